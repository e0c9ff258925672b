using System.Globalization;
using System.Resources;
using System.Text.Json;
using System.Text.RegularExpressions;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Ledger;

/// <summary>
/// What a ledger entry says, stored as a kind and typed values (<see cref="LedgerEntry.Text"/>,
/// <see cref="LedgerEntry.TextValues"/>) and put into words when it is read, in the reader's language: the dashboard in
/// the staff member's, the portal and the data export in the customer's. English templates are in <see cref="Templates"/>,
/// pt-BR ones in <c>EntryText.pt-BR.resx</c> under the same kind; amounts go through <see cref="Programs.RewardUnits"/>.
/// <see cref="LedgerEntry.Reason"/> keeps the English sentence written at the time (the API's <c>reason</c>, logs).
/// Entries written before the kinds existed (no <c>Text</c>) are read from their <see cref="EntryKind"/> and links.
/// </summary>
// EntryText comes first in this file: the SDK names EntryText.pt-BR.resx after the first type of EntryText.cs.
public sealed partial record EntryText(string Kind, object? Values = null)
{
    private static readonly ResourceManager Translations = new(typeof(EntryText).FullName!, typeof(EntryText).Assembly);

    /// <summary>kind → English template. The pt-BR text goes in EntryText.pt-BR.resx under the same kind.</summary>
    public static readonly IReadOnlyDictionary<string, string> Templates = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["earn"] = "{rate:rate} {currency} on your purchase at {store}",
        ["earn_points"] = "{amount:reward} on your purchase at {store}",
        ["earn_other"] = "{currency} on a purchase",
        ["release"] = "{currency} became available",
        ["redeem"] = "Used to pay a purchase at {store}",
        ["redeem_other"] = "Used to pay a purchase",
        ["expire"] = "Expired: {currency} credited on {credited:date}",
        ["expire_other"] = "Expired",
        ["clawback_offset"] = "From this purchase's {currency}: settled what a returned purchase had earned",
        ["refund_credit"] = "Back to your balance: a purchase was returned",
        ["reverse"] = "Taken back: a purchase was returned ({note})",
        ["reverse_other"] = "Taken back: a purchase was returned",
        ["reverse_owed"] = "A purchase was returned after you used its {currency}: to be settled from your future {currency} ({note})",
        ["voucher_issue"] = "Voucher {code} issued from your {currency}",
        ["voucher_redeem"] = "Voucher {code} used on a purchase",
        ["voucher_expire"] = "Voucher {code} expired unused",
        ["voucher_cancel"] = "Voucher {code} cancelled: {note}",
        ["voucher_cancel_return"] = "Voucher {code} cancelled: its value is back in your balance",
        ["voucher_issue_other"] = "Turned into a voucher",
        ["voucher_redeem_other"] = "Voucher used on a purchase",
        ["voucher_expire_other"] = "Voucher expired",
        ["voucher_cancel_other"] = "Voucher cancelled: its value is back in your balance",
        ["referral_bonus"] = "Reward for inviting a friend: {friend} joined and made a first purchase",
        ["referral_bonus_other"] = "Reward for inviting a friend",
        ["referral_welcome"] = "Referral welcome: you joined through a friend's invitation",
        ["welcome_bonus"] = "Welcome bonus for joining the program",
        ["birthday_bonus"] = "Happy birthday! A gift from us",
        ["challenge_bonus"] = "Challenge completed: {challenge}",
        ["reward_redeem"] = "Exchanged for a reward: {reward} (code {code})",
        ["reward_return"] = "Back to your balance: {reward} (code {code}) was not claimed in time",
        ["challenge_bonus_other"] = "Challenge completed",
        ["campaign_bonus"] = "Campaign gift: {campaign}",
        ["campaign_bonus_other"] = "Campaign gift",
        ["reward_redeem_other"] = "Exchanged for a reward",
        ["reward_return_other"] = "Back to your balance: a reward was not claimed in time",
        ["adjustment_other"] = "Balance adjusted",
        ["opening_balance"] = "Opening balance brought from your previous program",
        ["account_deleted"] = "Balance forfeited: account deleted at the customer's request",
        // A person's own words (a manager's adjustment, a bonus with a reason): shown as they wrote them.
        ["note"] = "{note}",
    };

    public static string? Template(string kind, CultureInfo culture) => StoredTexts.Template(Translations, Templates, kind, culture);

    public static string? Translation(string kind, CultureInfo culture) => StoredTexts.Translation(Translations, kind, culture);

    /// <summary>What the renderer needs of an entry: its own columns plus the store of its purchase and the code of its voucher.</summary>
    public sealed record View(EntryKind Kind, string? Text, JsonDocument? Values, string Reason,
        long Pending, long Available, long Clawback, long Voucher, int? RateBps, string? Store = null, string? VoucherCode = null);

    /// <summary>The entry in words for the reader of <paramref name="c"/>.</summary>
    public static string Render(View e, TextContext c)
    {
        var (kind, values) = e.Text is { } stored ? (stored, StoredTexts.Read(e.Values)) : Derive(e);
        if (e.Store is not null) values.TryAdd("store", JsonSerializer.SerializeToElement(e.Store));
        if (e.VoucherCode is not null) values.TryAdd("code", JsonSerializer.SerializeToElement(Codes.Display(e.VoucherCode)));
        if (e.RateBps is { } bps) values.TryAdd("rate", JsonSerializer.SerializeToElement(bps));
        values.TryAdd("amount", JsonSerializer.SerializeToElement(Math.Abs(e.Pending + e.Available + e.Voucher)));
        // A kind a newer version wrote, or a template missing a value: the kind of its EntryKind says it without values.
        var template = Template(kind, c.Culture);
        if (template is null || StoredTexts.Names(template).Any(n => n != "currency" && !values.ContainsKey(n)))
            template = Template(Plain(e.Kind), c.Culture)!;
        return StoredTexts.Fill(template, values, c);
    }

    /// <summary>The kind that needs no values, for an entry of this <see cref="EntryKind"/>.</summary>
    public static string Plain(EntryKind kind) => kind switch
    {
        EntryKind.Earn => "earn_other",
        EntryKind.Release => "release",
        EntryKind.Redeem => "redeem_other",
        EntryKind.Expire => "expire_other",
        EntryKind.Reverse => "reverse_other",
        EntryKind.ClawbackOffset => "clawback_offset",
        EntryKind.RefundCredit => "refund_credit",
        EntryKind.VoucherIssue => "voucher_issue_other",
        EntryKind.VoucherRedeem => "voucher_redeem_other",
        EntryKind.VoucherExpire => "voucher_expire_other",
        EntryKind.VoucherCancel => "voucher_cancel_other",
        EntryKind.ReferralBonus => "referral_bonus_other",
        EntryKind.WelcomeBonus => "welcome_bonus",
        EntryKind.BirthdayBonus => "birthday_bonus",
        EntryKind.ChallengeBonus => "challenge_bonus_other",
        EntryKind.RewardRedeem => "reward_redeem_other",
        EntryKind.RewardReturn => "reward_return_other",
        EntryKind.CampaignBonus => "campaign_bonus_other",
        _ => "adjustment_other",
    };

    [GeneratedRegex(@"\(([^()]*)\)\s*$")]
    private static partial Regex LastParenthesis();

    [GeneratedRegex(@"^Reward redeemed: (.+) \(code ([^)]+)\)$")]
    private static partial Regex RewardRedeemed();

    [GeneratedRegex(@"reward (.+) \(code ([^)]+)\) was not claimed")]
    private static partial Regex RewardReturned();

    [GeneratedRegex(@"credited on (\d{4}-\d{2}-\d{2}) expired")]
    private static partial Regex CreditedOn();

    [GeneratedRegex(@"^Referral reward: (.+?) joined")]
    private static partial Regex ReferralFriend();

    /// <summary>
    /// The kind and values of an entry written before entries stored them, from its <see cref="EntryKind"/>, its links and
    /// the English sentence of the time (which was machine-written, so its parts can be read back).
    /// </summary>
    public static (string Kind, Dictionary<string, JsonElement> Values) Derive(View e)
    {
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        void Set(string name, object value) => values[name] = JsonSerializer.SerializeToElement(value);
        var reason = e.Reason;
        string kind;
        switch (e.Kind)
        {
            case EntryKind.Earn:
                kind = Either(e.Store is null || (e.RateBps is null && !reason.Contains(" points (", StringComparison.Ordinal)), "earn_other",
                    Either(reason.Contains(" points (", StringComparison.Ordinal), "earn_points", "earn"));
                break;
            case EntryKind.Release: kind = "release"; break;
            case EntryKind.Redeem: kind = Either(e.Store is null, "redeem_other", "redeem"); break;
            case EntryKind.Expire:
                if (CreditedOn().Match(reason) is { Success: true } m) { kind = "expire"; Set("credited", m.Groups[1].Value + "T12:00:00Z"); }
                else kind = "expire_other";
                break;
            case EntryKind.ClawbackOffset: kind = "clawback_offset"; break;
            case EntryKind.RefundCredit: kind = "refund_credit"; break;
            case EntryKind.Reverse:
                kind = Either(reason.StartsWith("Cashback already used", StringComparison.Ordinal), "reverse_owed", "reverse");
                Set("note", LastParenthesis().Match(reason) is { Success: true } p ? p.Groups[1].Value : "");
                break;
            case EntryKind.VoucherIssue: kind = "voucher_issue"; break;
            case EntryKind.VoucherRedeem: kind = "voucher_redeem"; break;
            case EntryKind.VoucherExpire: kind = "voucher_expire"; break;
            case EntryKind.VoucherCancel:
                if (e.Voucher < 0 && reason.Split(": ", 2) is [_, var why]) { kind = "voucher_cancel"; Set("note", why); }
                else kind = "voucher_cancel_return";
                break;
            case EntryKind.ReferralBonus:
                if (ReferralFriend().Match(reason) is { Success: true } f) { kind = "referral_bonus"; Set("friend", f.Groups[1].Value); }
                else kind = "referral_bonus_other";
                break;
            case EntryKind.WelcomeBonus: kind = Either(reason.Contains("friend", StringComparison.Ordinal), "referral_welcome", "welcome_bonus"); break;
            case EntryKind.BirthdayBonus: kind = "birthday_bonus"; break;
            case EntryKind.ChallengeBonus:
                kind = "challenge_bonus";
                Set("challenge", reason.Split(": ", 2) is [_, var challenge] ? challenge : reason);
                break;
            case EntryKind.CampaignBonus:
                kind = "campaign_bonus";
                Set("campaign", reason.Split(": ", 2) is [_, var campaign] ? campaign : reason);
                break;
            case EntryKind.RewardRedeem:
                kind = "reward_redeem";
                if (RewardRedeemed().Match(reason) is { Success: true } r) { Set("reward", r.Groups[1].Value); Set("code", r.Groups[2].Value); }
                break;
            case EntryKind.RewardReturn:
                kind = "reward_return";
                if (RewardReturned().Match(reason) is { Success: true } rr) { Set("reward", rr.Groups[1].Value); Set("code", rr.Groups[2].Value); }
                break;
            default:
                if (reason == Portal.DeleteAccount.Reason) kind = "account_deleted";
                else if (reason == OpeningBalanceReason) kind = "opening_balance";
                else { kind = "note"; Set("note", reason); }
                break;
        }
        return (kind, values);
    }

    private static string Either(bool condition, string then, string otherwise) => condition ? then : otherwise;

    public const string OpeningBalanceReason = "Opening balance brought from your previous program";

    // Constructors for the writers: one per kind, with its values.
    public static EntryText Earn(int rateBps, string store) => new("earn", new { rate = rateBps, store });
    public static EntryText EarnPoints(long amount, string store) => new("earn_points", new { amount, store });
    public static readonly EntryText Release = new("release");
    public static EntryText Redeem(long amount, string store) => new("redeem", new { amount, store });
    public static EntryText Expire(DateTimeOffset credited) => new("expire", new { credited });
    public static readonly EntryText ClawbackOffset = new("clawback_offset");
    public static readonly EntryText RefundCredit = new("refund_credit");
    public static EntryText Reverse(string note) => new("reverse", new { note });
    public static EntryText ReverseOwed(string note) => new("reverse_owed", new { note });
    public static EntryText VoucherIssue(string code) => new("voucher_issue", new { code = Codes.Display(code) });
    public static EntryText VoucherRedeem(string code) => new("voucher_redeem", new { code = Codes.Display(code) });
    public static EntryText VoucherExpire(string code) => new("voucher_expire", new { code = Codes.Display(code) });
    public static EntryText VoucherCancel(string code, string note) => new("voucher_cancel", new { code = Codes.Display(code), note });
    public static EntryText VoucherCancelReturn(string code) => new("voucher_cancel_return", new { code = Codes.Display(code) });
    public static EntryText ReferralBonus(string friend) => new("referral_bonus", new { friend });
    public static readonly EntryText ReferralBonusOther = new("referral_bonus_other");
    public static readonly EntryText ReferralWelcome = new("referral_welcome");
    public static readonly EntryText WelcomeBonus = new("welcome_bonus");
    public static readonly EntryText BirthdayBonus = new("birthday_bonus");
    public static EntryText ChallengeBonus(string challenge) => new("challenge_bonus", new { challenge });
    public static EntryText CampaignBonus(string campaign) => new("campaign_bonus", new { campaign });
    public static EntryText RewardRedeem(string reward, string code) => new("reward_redeem", new { reward, code = Codes.Display(code) });
    public static EntryText RewardReturn(string reward, string code) => new("reward_return", new { reward, code = Codes.Display(code) });
    public static readonly EntryText OpeningBalance = new("opening_balance");
    public static readonly EntryText AccountDeleted = new("account_deleted");
    public static EntryText Note(string note) => new("note", new { note });
}
