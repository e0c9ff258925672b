using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Programs;

/// <summary>
/// Validates rules and saves them as the next version, in force from now (or from a given moment). The reward type
/// (cashback or points) changes only while the business has no purchase: balances already earned are in the old unit.
/// </summary>
public sealed class SaveProgramRules(SmartbisDb db, TimeProvider clock)
{
    /// <summary>Most points one currency unit may earn (a boost included).</summary>
    public const int MaxPointsPerUnit = 1_000;
    /// <summary>Most a point may be said to cost the merchant: R$ 100,00.</summary>
    public const long MaxCostPerPointCents = 100_00;

    public async Task<ProgramRules> ExecuteAsync(ProgramRules rules, string? userId, DateTimeOffset? effectiveFrom = null, CancellationToken ct = default)
    {
        Validate(rules).ThrowIfInvalid("invalid_rules");
        var current = await db.ProgramRules.OrderByDescending(r => r.Version).Select(r => new { r.Version, r.RewardType }).FirstOrDefaultAsync(ct);
        if (current is not null && current.RewardType != rules.RewardType && await RewardTypeLockedAsync(db, ct))
            throw new OperationFailed("invalid_rules", "reward_type_locked", nameof(rules.RewardType));
        var latest = current?.Version;
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

    /// <summary>
    /// True once the business has recorded a purchase (or any ledger entry): from then on the reward type is fixed, since
    /// balances, lots and history are in its unit. The one place this rule lives; the rules page asks it to lock the choice.
    /// </summary>
    public static async Task<bool> RewardTypeLockedAsync(SmartbisDb db, CancellationToken ct = default) =>
        await db.Purchases.AnyAsync(ct) || await db.LedgerEntries.AnyAsync(ct);

    /// <summary>Every rule checked, every problem reported against its field.</summary>
    public static Validation Validate(ProgramRules r)
    {
        var v = new Validation()
            .Check(Enum.IsDefined(r.RewardType), nameof(r.RewardType), "reward_type_choice")
            .Check(r.EarnRateBps is >= 0 and <= 10_000, nameof(r.EarnRateBps), "earn_rate_bounds")
            .Check(r.PointsPerCurrencyUnit is >= 0 and <= MaxPointsPerUnit, nameof(r.PointsPerCurrencyUnit), "points_per_unit_range", new { maximum = MaxPointsPerUnit })
            .Check(r.CostPerPointCents is >= 0 and <= MaxCostPerPointCents, nameof(r.CostPerPointCents), "cost_per_point_range")
            .Check(!r.IsPoints || r.VoucherMode == VoucherMode.None, nameof(r.VoucherMode), "points_no_vouchers")
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
            if (r.IsPoints)
                v.Check(b.PointsPerCurrencyUnit is >= 0 and <= MaxPointsPerUnit, $"Boosts[{i}].PointsPerCurrencyUnit", "boost_points_range", new { maximum = MaxPointsPerUnit })
                 .Check(b.PointsPerCurrencyUnit > r.PointsPerCurrencyUnit || b.PointsPerCurrencyUnit is < 0 or > MaxPointsPerUnit,
                     $"Boosts[{i}].PointsPerCurrencyUnit", "boost_points_above_base");
            else
                v.Check(b.RateBps is >= 0 and <= 10_000, $"Boosts[{i}].RateBps", "boost_rate_range")
                 .Check(b.RateBps > r.EarnRateBps || b.RateBps is < 0 or > 10_000 || r.EarnRateBps is < 0 or > 10_000, $"Boosts[{i}].RateBps", "boost_above_base");
            v.Check(b.StartsOn is null || b.EndsOn is null || b.StartsOn <= b.EndsOn, $"Boosts[{i}].EndsOn", "boost_dates_order")
             .Check(b.StartsOn is not null || b.EndsOn is not null || b.Weekdays.Count > 0, $"Boosts[{i}].Weekdays", "boost_when_required");
        }
        return v;
    }
}
