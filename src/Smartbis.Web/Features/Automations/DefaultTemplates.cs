using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Programs;

namespace Smartbis.Web.Features.Automations;

/// <summary>One template's text: email subject + body (Liquid), or the WhatsApp body with its approved template and parameters.</summary>
public sealed record TemplateText(string Subject, string Body, string? WhatsAppTemplate = null, string? WhatsAppParameters = null);

/// <summary>
/// The wording a new program starts with, in pt-BR and en, for every trigger and channel — so automations work
/// on day one. WhatsApp templates must be approved at Meta under these names with these parameters, in order.
/// </summary>
public static class DefaultTemplates
{
    public static readonly string[] Locales = ["pt-BR", "en"];

    public static string NormalizeLocale(string? locale) =>
        locale is not null && locale.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? "en" : "pt-BR";

    /// <summary>
    /// The default text; a points program's welcome speaks of points to exchange for rewards (points never pay a purchase),
    /// a cashback program's of cashback.
    /// </summary>
    public static TemplateText For(string trigger, Channel channel, string locale, RewardType rewardType = RewardType.Cashback)
    {
        var en = NormalizeLocale(locale) == "en";
        var points = rewardType == RewardType.Points;
        var (subject, body, whatsApp, parameters) = (trigger, en) switch
        {
            (Triggers.Welcome, false) => ("Bem-vindo(a) ao {{ currency_name }} da {{ brand }}!",
                "Olá, {{ first_name }}!\n\nQue bom ter você no programa {{ currency_name }} da {{ brand }}. "
                + (points ? "A cada compra você ganha {{ currency_name }} para trocar por recompensas." : "A cada compra você ganha cashback para usar nas próximas.")
                + "\n\nAcompanhe seu saldo em {{ portal_link }}",
                "welcome", "first_name,brand"),
            (Triggers.Welcome, true) => ("Welcome to {{ brand }} {{ currency_name }}!",
                "Hi {{ first_name }}!\n\nGreat to have you in the {{ brand }} {{ currency_name }} program. "
                + (points ? "Every purchase earns {{ currency_name }} to exchange for rewards." : "Every purchase earns cashback for your next ones.")
                + "\n\nSee your balance at {{ portal_link }}",
                "welcome", "first_name,brand"),
            (Triggers.CashbackEarned, false) => ("Você ganhou {{ amount }} de {{ currency_name }} na {{ brand }}",
                "Olá, {{ first_name }}!\n\nSua compra{% if store != '' %} em {{ store }}{% endif %} rendeu {{ amount }} de {{ currency_name }}.{% if available_date != '' %} Ele fica disponível em {{ available_date }}.{% endif %}\n\nSeu saldo disponível: {{ balance }}.\n\nVeja os detalhes em {{ portal_link }}",
                "cashback_earned", "first_name,amount,brand"),
            (Triggers.CashbackEarned, true) => ("You earned {{ amount }} {{ currency_name }} at {{ brand }}",
                "Hi {{ first_name }}!\n\nYour purchase{% if store != '' %} at {{ store }}{% endif %} earned {{ amount }} of {{ currency_name }}.{% if available_date != '' %} It becomes available on {{ available_date }}.{% endif %}\n\nYour available balance: {{ balance }}.\n\nSee the details at {{ portal_link }}",
                "cashback_earned", "first_name,amount,brand"),
            (Triggers.CashbackAvailable, false) => ("Seu {{ currency_name }} de {{ amount }} já pode ser usado",
                "Olá, {{ first_name }}!\n\n{{ amount }} de {{ currency_name }} já estão disponíveis para a sua próxima compra na {{ brand }}.{% if expiry_date != '' %} Use até {{ expiry_date }}.{% endif %}\n\nSaldo disponível: {{ balance }}.",
                "cashback_available", "first_name,amount,brand"),
            (Triggers.CashbackAvailable, true) => ("Your {{ amount }} {{ currency_name }} is ready to use",
                "Hi {{ first_name }}!\n\n{{ amount }} of {{ currency_name }} is now available for your next purchase at {{ brand }}.{% if expiry_date != '' %} Use it by {{ expiry_date }}.{% endif %}\n\nAvailable balance: {{ balance }}.",
                "cashback_available", "first_name,amount,brand"),
            (Triggers.VoucherIssued, false) => ("Você ganhou um vale de {{ amount }} na {{ brand }}",
                "Olá, {{ first_name }}!\n\nSeu {{ currency_name }} virou um vale de {{ amount }}. Apresente o código {{ voucher_code }} no caixa até {{ expiry_date }}.\n\nSeus vales: {{ portal_link }}",
                "voucher_issued", "first_name,amount,voucher_code,expiry_date"),
            (Triggers.VoucherIssued, true) => ("You got a {{ amount }} voucher at {{ brand }}",
                "Hi {{ first_name }}!\n\nYour {{ currency_name }} became a {{ amount }} voucher. Show the code {{ voucher_code }} at the counter by {{ expiry_date }}.\n\nYour vouchers: {{ portal_link }}",
                "voucher_issued", "first_name,amount,voucher_code,expiry_date"),
            (Triggers.ExpiringSoon, false) => ("{% if voucher_code != '' %}Seu vale de {{ amount }} vence em {{ expiry_date }}{% else %}{{ amount }} de {{ currency_name }} vencem em {{ expiry_date }}{% endif %}",
                "Olá, {{ first_name }}!\n\n{% if voucher_code != '' %}Seu vale {{ voucher_code }} de {{ amount }}{% else %}{{ amount }} do seu {{ currency_name }}{% endif %} vence em {{ expiry_date }}. Passe na {{ brand }} e use antes que expire.",
                "expiring_soon", "first_name,amount,expiry_date"),
            (Triggers.ExpiringSoon, true) => ("{% if voucher_code != '' %}Your {{ amount }} voucher expires on {{ expiry_date }}{% else %}{{ amount }} {{ currency_name }} expires on {{ expiry_date }}{% endif %}",
                "Hi {{ first_name }}!\n\n{% if voucher_code != '' %}Your voucher {{ voucher_code }} worth {{ amount }}{% else %}{{ amount }} of your {{ currency_name }}{% endif %} expires on {{ expiry_date }}. Visit {{ brand }} and use it before it does.",
                "expiring_soon", "first_name,amount,expiry_date"),
            (Triggers.WinBack, false) => ("Sentimos sua falta na {{ brand }}",
                "Olá, {{ first_name }}!\n\nFaz {{ days }} dias que você não passa na {{ brand }}. Seu saldo de {{ currency_name }} é {{ balance }} — esperamos você!",
                "win_back", "first_name,brand,balance"),
            (Triggers.WinBack, true) => ("We miss you at {{ brand }}",
                "Hi {{ first_name }}!\n\nIt has been {{ days }} days since your last visit to {{ brand }}. Your {{ currency_name }} balance is {{ balance }} — see you soon!",
                "win_back", "first_name,brand,balance"),
            (Triggers.Birthday, false) => ("Feliz aniversário, {{ first_name }}!",
                "Olá, {{ first_name }}!\n\nA {{ brand }} deseja um feliz aniversário!{% if amount != '' %} Para comemorar, você ganhou {{ amount }} de {{ currency_name }}.{% endif %}",
                "birthday", "first_name,brand"),
            (Triggers.Birthday, true) => ("Happy birthday, {{ first_name }}!",
                "Hi {{ first_name }}!\n\n{{ brand }} wishes you a happy birthday!{% if amount != '' %} To celebrate, you got {{ amount }} of {{ currency_name }}.{% endif %}",
                "birthday", "first_name,brand"),
            (Triggers.ReferralRewarded, false) => ("Sua indicação rendeu {{ amount }} na {{ brand }}",
                "Olá, {{ first_name }}!\n\nObrigado por indicar a {{ brand }}! Você ganhou {{ amount }} de {{ currency_name }}. Saldo disponível: {{ balance }}.",
                "referral_rewarded", "first_name,amount,brand"),
            (Triggers.ReferralRewarded, true) => ("Your referral earned {{ amount }} at {{ brand }}",
                "Hi {{ first_name }}!\n\nThanks for recommending {{ brand }}! You earned {{ amount }} of {{ currency_name }}. Available balance: {{ balance }}.",
                "referral_rewarded", "first_name,amount,brand"),
            (Triggers.TierUp, false) => ("Você agora é {{ tier }} na {{ brand }}!",
                "Olá, {{ first_name }}!\n\nParabéns: você subiu para o nível {{ tier }} do {{ currency_name }} da {{ brand }}. Veja seus benefícios em {{ portal_link }}",
                "tier_up", "first_name,tier,brand"),
            (Triggers.TierUp, true) => ("You are now {{ tier }} at {{ brand }}!",
                "Hi {{ first_name }}!\n\nCongratulations: you moved up to the {{ tier }} level of {{ brand }} {{ currency_name }}. See your benefits at {{ portal_link }}",
                "tier_up", "first_name,tier,brand"),
            (Triggers.TierAtRisk, false) => ("Faltam {{ to_keep }} para manter o nível {{ tier }}",
                "Olá, {{ first_name }}!\n\nFaltam {{ to_keep }} até {{ review_date }} para você manter o nível {{ tier }} na {{ brand }}. Acompanhe em {{ portal_link }}",
                "tier_at_risk", "first_name,to_keep,tier,review_date"),
            (Triggers.TierAtRisk, true) => ("{{ to_keep }} to keep {{ tier }}",
                "Hi {{ first_name }}!\n\nYou need {{ to_keep }} by {{ review_date }} to keep your {{ tier }} level at {{ brand }}. Follow your progress at {{ portal_link }}",
                "tier_at_risk", "first_name,to_keep,tier,review_date"),
            (_, false) => ("Mensagem de teste da {{ brand }}", "Olá, {{ first_name }}! Esta é uma mensagem de teste.", "test", "first_name"),
            (_, true) => ("Test message from {{ brand }}", "Hi {{ first_name }}! This is a test message.", "test", "first_name"),
        };
        if (points) (subject, body) = (InPoints(subject), InPoints(body));
        return channel == Channel.Email
            ? new TemplateText(subject, body)
            : new TemplateText("", body, whatsApp, parameters);
    }

    /// <summary>
    /// A points program's amounts are whole numbers followed by the points' name ("500 Pontos Aurora", not "500 de Pontos
    /// Aurora"), and a balance needs the name after it; vouchers stay money.
    /// </summary>
    private static string InPoints(string text) => text
        .Replace("{{ amount }} de {{ currency_name }}", "{{ amount }} {{ currency_name }}")
        .Replace("{{ amount }} of {{ currency_name }}", "{{ amount }} {{ currency_name }}")
        .Replace("Seu {{ currency_name }} de {{ amount }} já pode ser usado", "{{ amount }} {{ currency_name }} já podem ser trocados")
        .Replace("Your {{ amount }} {{ currency_name }} is ready to use", "{{ amount }} {{ currency_name }} ready to exchange")
        .Replace("já estão disponíveis para a sua próxima compra", "já estão disponíveis para trocar por recompensas")
        .Replace("is now available for your next purchase", "are now available to exchange for rewards")
        .Replace("disponível: {{ balance }}.", "disponível: {{ balance }} {{ currency_name }}.")
        .Replace("balance: {{ balance }}.", "balance: {{ balance }} {{ currency_name }}.")
        .Replace("Available balance: {{ balance }}.", "Available balance: {{ balance }} {{ currency_name }}.");
}
