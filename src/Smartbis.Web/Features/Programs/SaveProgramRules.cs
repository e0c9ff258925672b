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
            .Check(r.RewardType == RewardType.Cashback, nameof(r.RewardType), "cashback_only")
            .Check(r.EarnRateBps is >= 0 and <= 10_000, nameof(r.EarnRateBps), "earn_rate_bounds")
            .Check(r.MinPurchaseCents >= 0, nameof(r.MinPurchaseCents), "min_purchase_negative")
            .Check(r.MaxEarnPerPurchaseCents is null or >= 0, nameof(r.MaxEarnPerPurchaseCents), "cap_negative")
            .Check(r.PendingDays is >= 0 and <= 365, nameof(r.PendingDays), "pending_days_range")
            .Check(r.ExpiryDays is null or (>= 1 and <= 3650), nameof(r.ExpiryDays), "expiry_days_range")
            .Check(r.MinRedeemBalanceCents >= 0, nameof(r.MinRedeemBalanceCents), "min_redeem_negative")
            .Check(r.MaxRedeemShareBps is >= 0 and <= 10_000, nameof(r.MaxRedeemShareBps), "redeem_share_range")
            .Check(r.VoucherMode != VoucherMode.Threshold || r.VoucherThresholdCents > 0, nameof(r.VoucherThresholdCents), "voucher_threshold_required")
            .Check(r.VoucherThresholdCents >= 0, nameof(r.VoucherThresholdCents), "voucher_threshold_negative")
            .Check(r.VoucherValidityDays is >= 1 and <= 3650, nameof(r.VoucherValidityDays), "voucher_validity_range")
            .Check(r.ReferrerRewardCents >= 0, nameof(r.ReferrerRewardCents), "referrer_reward_negative")
            .Check(r.RefereeRewardCents >= 0, nameof(r.RefereeRewardCents), "referee_reward_negative")
            .Check(r.ReferralMinPurchaseCents >= 0, nameof(r.ReferralMinPurchaseCents), "referral_min_purchase_negative")
            .Check(r.ReferralMonthlyCap >= 0, nameof(r.ReferralMonthlyCap), "referral_cap_negative")
            .Check(r.WelcomeBonusCents >= 0, nameof(r.WelcomeBonusCents), "welcome_bonus_negative")
            .Check(r.BirthdayBonusCents >= 0, nameof(r.BirthdayBonusCents), "birthday_bonus_negative")
            .Check(r.ExcludedCategories.All(c => !string.IsNullOrWhiteSpace(c) && c.Length <= 60), nameof(r.ExcludedCategories), "category_length");
        for (var i = 0; i < r.Boosts.Count; i++)
        {
            var b = r.Boosts[i];
            v.Check(b.RateBps is >= 0 and <= 10_000, $"Boosts[{i}].RateBps", "boost_rate_range")
             .Check(b.RateBps > r.EarnRateBps || b.RateBps is < 0 or > 10_000 || r.EarnRateBps is < 0 or > 10_000, $"Boosts[{i}].RateBps", "boost_above_base")
             .Check(b.StartsOn is null || b.EndsOn is null || b.StartsOn <= b.EndsOn, $"Boosts[{i}].EndsOn", "boost_dates_order")
             .Check(b.StartsOn is not null || b.EndsOn is not null || b.Weekdays.Count > 0, $"Boosts[{i}].Weekdays", "boost_when_required");
        }
        return v;
    }
}
