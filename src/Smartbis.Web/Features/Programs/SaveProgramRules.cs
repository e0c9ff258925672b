using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Programs;

/// <summary>Validates rules and saves them as the next version, in force from now (or from a given moment).</summary>
public sealed class SaveProgramRules(SmartbisDb db, TimeProvider clock)
{
    public async Task<ProgramRules> ExecuteAsync(ProgramRules rules, string? userId, DateTimeOffset? effectiveFrom = null, CancellationToken ct = default)
    {
        Validate(rules).ThrowIfInvalid("invalid_rules");
        var latest = await db.ProgramRules.OrderByDescending(r => r.Version).Select(r => (int?)r.Version).FirstOrDefaultAsync(ct);
        var now = clock.GetUtcNow();
        var version = rules.CopyAsNextVersion();
        version.TenantId = db.Tenant.Require();
        version.Version = (latest ?? 0) + 1;
        version.CreatedAt = now;
        version.EffectiveFrom = effectiveFrom ?? now;
        version.CreatedByUserId = userId;
        db.ProgramRules.Add(version);
        await db.SaveChangesAsync(ct);
        return version;
    }

    /// <summary>Every rule checked, every problem reported against its field.</summary>
    public static Validation Validate(ProgramRules r)
    {
        var v = new Validation()
            .Check(r.RewardType == RewardType.Cashback, nameof(r.RewardType), "Only cashback programs are available for now.")
            .Check(r.EarnRateBps is >= 0 and <= 10_000, nameof(r.EarnRateBps), "The earn rate must be between 0% and 100%.")
            .Check(r.MinPurchaseCents >= 0, nameof(r.MinPurchaseCents), "The minimum purchase cannot be negative.")
            .Check(r.MaxEarnPerPurchaseCents is null or >= 0, nameof(r.MaxEarnPerPurchaseCents), "The cap per purchase cannot be below zero.")
            .Check(r.PendingDays is >= 0 and <= 365, nameof(r.PendingDays), "The pending period must be between 0 and 365 days.")
            .Check(r.ExpiryDays is null or (>= 1 and <= 3650), nameof(r.ExpiryDays), "Expiry must be between 1 and 3650 days, or never.")
            .Check(r.MinRedeemBalanceCents >= 0, nameof(r.MinRedeemBalanceCents), "The minimum balance to redeem cannot be negative.")
            .Check(r.MaxRedeemShareBps is >= 0 and <= 10_000, nameof(r.MaxRedeemShareBps), "The share payable with cashback must be between 0% and 100%.")
            .Check(r.VoucherMode != VoucherMode.Threshold || r.VoucherThresholdCents > 0, nameof(r.VoucherThresholdCents), "Set the balance at which a voucher is issued (more than zero).")
            .Check(r.VoucherThresholdCents >= 0, nameof(r.VoucherThresholdCents), "The voucher threshold cannot be negative.")
            .Check(r.VoucherValidityDays is >= 1 and <= 3650, nameof(r.VoucherValidityDays), "Vouchers must be valid between 1 and 3650 days.")
            .Check(r.ReferrerRewardCents >= 0, nameof(r.ReferrerRewardCents), "The referrer reward cannot be negative.")
            .Check(r.RefereeRewardCents >= 0, nameof(r.RefereeRewardCents), "The new customer's referral reward cannot be negative.")
            .Check(r.ReferralMinPurchaseCents >= 0, nameof(r.ReferralMinPurchaseCents), "The qualifying purchase cannot be negative.")
            .Check(r.ReferralMonthlyCap >= 0, nameof(r.ReferralMonthlyCap), "The monthly referral cap cannot be negative.")
            .Check(r.WelcomeBonusCents >= 0, nameof(r.WelcomeBonusCents), "The welcome bonus cannot be negative.")
            .Check(r.BirthdayBonusCents >= 0, nameof(r.BirthdayBonusCents), "The birthday bonus cannot be negative.")
            .Check(r.ExcludedCategories.All(c => !string.IsNullOrWhiteSpace(c) && c.Length <= 60), nameof(r.ExcludedCategories), "Category names must have 1 to 60 characters.");
        for (var i = 0; i < r.Boosts.Count; i++)
        {
            var b = r.Boosts[i];
            v.Check(b.RateBps is >= 0 and <= 10_000, $"Boosts[{i}].RateBps", "A boost rate must be between 0% and 100%.")
             .Check(b.RateBps > r.EarnRateBps || b.RateBps is < 0 or > 10_000 || r.EarnRateBps is < 0 or > 10_000, $"Boosts[{i}].RateBps", "A boost must give more than the base rate.")
             .Check(b.StartsOn is null || b.EndsOn is null || b.StartsOn <= b.EndsOn, $"Boosts[{i}].EndsOn", "A boost must end on or after its start.")
             .Check(b.StartsOn is not null || b.EndsOn is not null || b.Weekdays.Count > 0, $"Boosts[{i}].Weekdays", "Choose dates or weekdays for the boost.");
        }
        return v;
    }
}
