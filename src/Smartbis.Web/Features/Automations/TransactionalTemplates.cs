using System.Globalization;

namespace Smartbis.Web.Features.Automations;

/// <summary>
/// A transactional email's wording (Liquid): the subject and the plain text get the values as they are, the HTML
/// gets them HTML-encoded (<see cref="RenderTemplate.Transactional"/>).
/// </summary>
public sealed record TransactionalText(string Subject, string Text, string Html);

/// <summary>One transactional email and the variables its templates use (every one of them must be given).</summary>
public sealed record TransactionalInfo(string Key, string[] Variables);

/// <summary>
/// The emails Smartbis itself sends one person at a time (codes, invitations), in pt-BR and en: unlike the automation
/// triggers they are not the merchant's to edit, have no opt-out and no brand frame, and are sent straight away, so
/// they live beside <see cref="DefaultTemplates"/> as fixed Liquid templates rendered by the same <see cref="RenderTemplate"/>.
/// </summary>
public static class TransactionalTemplates
{
    /// <summary>The counter's one-time code that authorizes one large redemption.</summary>
    public const string RedemptionCode = "redemption_code";
    /// <summary>The portal's sign-in code.</summary>
    public const string SignInCode = "sign_in_code";
    /// <summary>The portal's code that confirms deleting the member's account.</summary>
    public const string DeletionCode = "deletion_code";
    /// <summary>An invitation to join a business's staff.</summary>
    public const string StaffInvitation = "staff_invitation";
    /// <summary>To the owners: a plan limit reached 80 % or 100 % (Features/Plans/PlanJobs).</summary>
    public const string PlanLimitNotice = "plan_limit_notice";
    /// <summary>To the owners: the trial ended and the business is back on Free.</summary>
    public const string TrialEnded = "trial_ended";
    /// <summary>To the owner who asked: an operator approved the plan change.</summary>
    public const string UpgradeApproved = "upgrade_approved";
    /// <summary>To the owner who asked: an operator refused the plan change (note: the reason, may be empty).</summary>
    public const string UpgradeRefused = "upgrade_refused";

    public static readonly IReadOnlyList<TransactionalInfo> All =
    [
        new(RedemptionCode, ["code", "amount", "minutes", "brand", "customer_name"]),
        new(SignInCode, ["code", "minutes", "brand", "customer_name"]),
        new(DeletionCode, ["code", "minutes", "brand", "customer_name"]),
        // role: owner, manager or cashier (the template words it); valid_until: already in the language's date format.
        new(StaffInvitation, ["role", "brand", "invitation_link", "valid_until"]),
        // metric: already in the language's words ("membros", "emails this month"); percent: 80 or 100.
        new(PlanLimitNotice, ["brand", "metric", "percent", "used", "limit", "plan", "plan_link"]),
        new(TrialEnded, ["brand", "plan", "plan_link"]),
        new(UpgradeApproved, ["brand", "plan", "note"]),
        new(UpgradeRefused, ["brand", "plan", "note"]),
    ];

    public static TransactionalInfo Find(string key) =>
        All.FirstOrDefault(t => t.Key == key) ?? throw new ArgumentException($"No transactional email \"{key}\".", nameof(key));

    // The code, big, under the sentence: the person reads it off the screen to the cashier or types it.
    private const string CodeLine = "<p style=\"font-size:2rem;letter-spacing:.3rem\"><strong>{{ code }}</strong></p>";

    // A code email's HTML is its text in one paragraph plus the code line: the words are written once.
    private static TransactionalText Code(string subject, string text) => new(subject, text, $"<p>{text}</p>{CodeLine}");

    public static TransactionalText For(string key, string locale)
    {
        var en = DefaultTemplates.NormalizeLocale(locale) == "en";
        return (key, en) switch
        {
            (RedemptionCode, false) => Code("Seu código {{ code }} para usar {{ amount }} na {{ brand }}",
                "Olá, {{ customer_name }}. Para usar {{ amount }} do seu saldo agora no caixa da {{ brand }}, informe o código {{ code }}. Ele vale por {{ minutes }} minutos. Se não foi você, não informe o código a ninguém."),
            (RedemptionCode, true) => Code("Your code {{ code }} to use {{ amount }} at {{ brand }}",
                "Hello {{ customer_name }}. To use {{ amount }} of your balance at the {{ brand }} counter now, give the code {{ code }}. It is valid for {{ minutes }} minutes. If this was not you, do not share the code."),
            (SignInCode, false) => Code("{{ code }} é o seu código de acesso — {{ brand }}",
                "Olá, {{ customer_name }}. Seu código para entrar no programa {{ brand }} é {{ code }}. Ele vale por {{ minutes }} minutos. Se não foi você, ignore este email."),
            (SignInCode, true) => Code("{{ code }} is your sign-in code — {{ brand }}",
                "Hello {{ customer_name }}. Your code to sign in to the {{ brand }} program is {{ code }}. It is valid for {{ minutes }} minutes. If this was not you, ignore this email."),
            (DeletionCode, false) => Code("{{ code }} confirma a exclusão da sua conta — {{ brand }}",
                "Olá, {{ customer_name }}. Para confirmar a exclusão da sua conta no programa {{ brand }}, informe o código {{ code }}. Ele vale por {{ minutes }} minutos. Se não foi você, ignore este email e sua conta continua como está."),
            (DeletionCode, true) => Code("{{ code }} confirms deleting your account — {{ brand }}",
                "Hello {{ customer_name }}. To confirm deleting your account in the {{ brand }} program, enter the code {{ code }}. It is valid for {{ minutes }} minutes. If this was not you, ignore this email and your account stays as it is."),
            (StaffInvitation, false) => new(
                "Convite para a equipe de {{ brand }} no Smartbis",
                RolePt + "Você foi convidado(a) para trabalhar como {{ role_name }} em {{ brand }}.\n\nAceite o convite: {{ invitation_link }}\n\nO link vale até {{ valid_until }} e pode ser usado uma vez.",
                RolePt + "<p>Você foi convidado(a) para trabalhar como <strong>{{ role_name }}</strong> em <strong>{{ brand }}</strong>.</p><p><a href=\"{{ invitation_link }}\">Aceitar o convite</a></p><p>O link vale até {{ valid_until }} e pode ser usado uma vez.</p>"),
            (StaffInvitation, true) => new(
                "You are invited to join {{ brand }} on Smartbis",
                "You have been invited to work as {{ role }} at {{ brand }}.\n\nAccept the invitation: {{ invitation_link }}\n\nThe link works until {{ valid_until }} and can be used once.",
                "<p>You have been invited to work as <strong>{{ role }}</strong> at <strong>{{ brand }}</strong>.</p><p><a href=\"{{ invitation_link }}\">Accept the invitation</a></p><p>The link works until {{ valid_until }} and can be used once.</p>"),
            (PlanLimitNotice, false) => new(
                "{{ brand }}: {{ percent }}% do limite de {{ metric }} do plano {{ plan }}",
                "O programa {{ brand }} chegou a {{ used }} de {{ limit }} {{ metric }} ({{ percent }}%) no plano {{ plan }}.\n\nSeus membros continuam ganhando e usando o saldo normalmente. Veja o uso e peça um plano maior: {{ plan_link }}",
                "<p>O programa <strong>{{ brand }}</strong> chegou a <strong>{{ used }} de {{ limit }} {{ metric }}</strong> ({{ percent }}%) no plano {{ plan }}.</p><p>Seus membros continuam ganhando e usando o saldo normalmente.</p><p><a href=\"{{ plan_link }}\">Ver o uso e pedir um plano maior</a></p>"),
            (PlanLimitNotice, true) => new(
                "{{ brand }}: {{ percent }}% of the {{ plan }} plan's {{ metric }} limit",
                "The {{ brand }} program reached {{ used }} of {{ limit }} {{ metric }} ({{ percent }}%) on the {{ plan }} plan.\n\nYour members keep earning and redeeming as usual. See your usage and ask for a bigger plan: {{ plan_link }}",
                "<p>The <strong>{{ brand }}</strong> program reached <strong>{{ used }} of {{ limit }} {{ metric }}</strong> ({{ percent }}%) on the {{ plan }} plan.</p><p>Your members keep earning and redeeming as usual.</p><p><a href=\"{{ plan_link }}\">See your usage and ask for a bigger plan</a></p>"),
            (TrialEnded, false) => new(
                "{{ brand }}: o período de teste terminou",
                "O período de teste do programa {{ brand }} terminou e ele voltou ao plano {{ plan }}. Nada foi apagado; veja o que muda e peça um plano: {{ plan_link }}",
                "<p>O período de teste do programa <strong>{{ brand }}</strong> terminou e ele voltou ao plano {{ plan }}. Nada foi apagado.</p><p><a href=\"{{ plan_link }}\">Ver o que muda e pedir um plano</a></p>"),
            (TrialEnded, true) => new(
                "{{ brand }}: your trial has ended",
                "The {{ brand }} program's trial has ended and it is back on the {{ plan }} plan. Nothing was deleted; see what changes and ask for a plan: {{ plan_link }}",
                "<p>The <strong>{{ brand }}</strong> program's trial has ended and it is back on the {{ plan }} plan. Nothing was deleted.</p><p><a href=\"{{ plan_link }}\">See what changes and ask for a plan</a></p>"),
            (UpgradeApproved, false) => new(
                "{{ brand }} agora está no plano {{ plan }}",
                "Seu pedido foi aprovado: o programa {{ brand }} agora está no plano {{ plan }}. {{ note }}",
                "<p>Seu pedido foi aprovado: o programa <strong>{{ brand }}</strong> agora está no plano <strong>{{ plan }}</strong>.</p><p>{{ note }}</p>"),
            (UpgradeApproved, true) => new(
                "{{ brand }} is now on the {{ plan }} plan",
                "Your request was approved: the {{ brand }} program is now on the {{ plan }} plan. {{ note }}",
                "<p>Your request was approved: the <strong>{{ brand }}</strong> program is now on the <strong>{{ plan }}</strong> plan.</p><p>{{ note }}</p>"),
            (UpgradeRefused, false) => new(
                "Pedido de plano {{ plan }} para {{ brand }} não aprovado",
                "Seu pedido do plano {{ plan }} para o programa {{ brand }} não foi aprovado. {{ note }}\n\nO plano atual continua valendo e nada mudou.",
                "<p>Seu pedido do plano <strong>{{ plan }}</strong> para o programa <strong>{{ brand }}</strong> não foi aprovado.</p><p>{{ note }}</p><p>O plano atual continua valendo e nada mudou.</p>"),
            (UpgradeRefused, true) => new(
                "Request for the {{ plan }} plan for {{ brand }} not approved",
                "Your request for the {{ plan }} plan for the {{ brand }} program was not approved. {{ note }}\n\nYour current plan stays in force and nothing changed.",
                "<p>Your request for the <strong>{{ plan }}</strong> plan for the <strong>{{ brand }}</strong> program was not approved.</p><p>{{ note }}</p><p>Your current plan stays in force and nothing changed.</p>"),
            _ => throw new ArgumentException($"No transactional email \"{key}\".", nameof(key)),
        };
    }

    // The role's name in Portuguese, assigned before the sentence (no output of its own).
    private const string RolePt = "{% case role %}{% when 'owner' %}{% assign role_name = 'proprietário(a)' %}{% when 'manager' %}{% assign role_name = 'gerente' %}{% else %}{% assign role_name = 'caixa' %}{% endcase %}";

    /// <summary>A date the way the transactional emails write it: 31/12/2026 in Portuguese, 2026-12-31 in English.</summary>
    public static string Date(DateTimeOffset date, string locale) =>
        date.ToString(DefaultTemplates.NormalizeLocale(locale) == "en" ? "yyyy-MM-dd" : "dd/MM/yyyy", CultureInfo.InvariantCulture);
}
