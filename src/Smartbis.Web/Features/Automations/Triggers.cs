using Smartbis.Web.Features.Ledger;

namespace Smartbis.Web.Features.Automations;

/// <summary>One kind of automated message. Event-driven triggers come from outbox events; scans from recurring jobs.</summary>
public sealed record TriggerInfo(string Key, string Name, string? EventType, string? DaysLabel, int DefaultDays, string[] Variables);

/// <summary>The automation triggers of PRODUCT.md "Automations" and the variables each template can use.</summary>
public static class Triggers
{
    public const string Welcome = "welcome";
    public const string CashbackEarned = "cashback_earned";
    public const string CashbackAvailable = "cashback_available";
    public const string VoucherIssued = "voucher_issued";
    public const string ExpiringSoon = "expiring_soon";
    public const string WinBack = "win_back";
    public const string Birthday = "birthday";
    public const string ReferralRewarded = "referral_rewarded";
    public const string TierUp = "tier_up";
    public const string TierAtRisk = "tier_at_risk";
    /// <summary>The editor's own test send; never deduplicated against customers' messages.</summary>
    public const string Test = "test";
    /// <summary>A campaign's message (Features/Campaigns): the wording is the campaign's; the subject is (campaign, customer).</summary>
    public const string Campaign = "campaign";

    /// <summary>Every template can use these.</summary>
    public static readonly string[] Common = ["first_name", "brand", "currency_name", "balance", "portal_link", "opt_out_link"];

    public static readonly IReadOnlyList<TriggerInfo> All =
    [
        new(Welcome, "Welcome", Events.CustomerJoined, null, 0, [.. Common]),
        new(CashbackEarned, "Cashback earned", Events.CashbackEarned, null, 0, [.. Common, "amount", "available_date", "expiry_date", "store"]),
        new(CashbackAvailable, "Cashback available", Events.CashbackAvailable, null, 0, [.. Common, "amount", "expiry_date"]),
        new(VoucherIssued, "Voucher issued", Events.VoucherIssued, null, 0, [.. Common, "amount", "voucher_code", "expiry_date"]),
        new(ExpiringSoon, "Expiring soon", null, "Days before expiry", 7, [.. Common, "amount", "expiry_date", "voucher_code"]),
        new(WinBack, "We miss you (win-back)", null, "Days without a purchase", 60, [.. Common, "days"]),
        new(Birthday, "Birthday", null, null, 0, [.. Common, "amount"]),
        new(ReferralRewarded, "Referral rewarded", Referrals.QualifyReferral.ReferralRewarded, null, 0, [.. Common, "amount"]),
        new(TierUp, "Level up", Tiers.TierOnPurchase.Upgraded, null, 0, [.. Common, "tier"]),
        new(TierAtRisk, "Level at risk", Tiers.ReviewTiers.AtRisk, null, 0, [.. Common, "tier", "to_keep", "review_date"]),
    ];

    public static TriggerInfo? Find(string key) => All.FirstOrDefault(t => t.Key == key);

    /// <summary>
    /// The trigger an outbox event starts, if any. Referral rewarded: the referral code emits referral.rewarded (to the
    /// referrer, only when the referrer was credited); a referral bonus granted by hand emits bonus.granted of kind referral.
    /// </summary>
    public static string? ForEvent(OutboxEvent e) => e.Type switch
    {
        Events.CustomerJoined => Welcome,
        Events.CashbackEarned => CashbackEarned,
        Events.CashbackAvailable => CashbackAvailable,
        Events.VoucherIssued => VoucherIssued,
        Tiers.TierOnPurchase.Upgraded => TierUp,
        Tiers.ReviewTiers.AtRisk => TierAtRisk,
        Referrals.QualifyReferral.ReferralRewarded when e.Payload.RootElement.TryGetProperty("referrerRewardCents", out var r) && r.GetInt64() > 0 => ReferralRewarded,
        Events.BonusGranted when e.Payload.RootElement.TryGetProperty("kind", out var k) && k.GetString() == "referral" => ReferralRewarded,
        _ => null,
    };
}
