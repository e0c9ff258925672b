using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Programs;

public enum RewardType { Cashback, Points }

public enum VoucherMode { None, PerCredit, Threshold }

/// <summary>A higher earn rate on some days: a date range, some weekdays, or both (both must match).</summary>
public sealed class Boost
{
    public string Name { get; set; } = "";
    /// <summary>Cashback programs: the boosted rate in basis points (it replaces the base rate on its days).</summary>
    public int RateBps { get; set; }
    /// <summary>Points programs: the boosted points per currency unit (it replaces the base points rate on its days).</summary>
    public int PointsPerCurrencyUnit { get; set; }
    public DateOnly? StartsOn { get; set; }
    public DateOnly? EndsOn { get; set; }
    /// <summary>Empty = every day; otherwise the weekdays (in the tenant's time zone) it applies.</summary>
    public List<DayOfWeek> Weekdays { get; set; } = [];

    public bool AppliesOn(DateOnly localDate) =>
        (StartsOn is null || localDate >= StartsOn) &&
        (EndsOn is null || localDate <= EndsOn) &&
        (Weekdays.Count == 0 || Weekdays.Contains(localDate.DayOfWeek));
}

/// <summary>
/// One version of a tenant's program rules.
/// The amounts of earning and of the ledger (cap, bonuses, referral rewards, adjustments) are in the program's unit: cents for
/// cashback, whole points for points (<see cref="RewardType"/>). Amounts of purchases (minimum purchase, referral minimum)
/// are always cents. Rows are never edited: saving rules writes the next version,
/// in force from its EffectiveFrom; a purchase uses the version in force when it happened.
/// </summary>
public sealed class ProgramRules : ITenantOwned
{
    public Guid TenantId { get; set; }
    public int Version { get; set; }
    public DateTimeOffset EffectiveFrom { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? CreatedByUserId { get; set; }

    /// <summary>Cashback or points; changeable only before the tenant's first purchase (<see cref="SaveProgramRules"/>).</summary>
    public RewardType RewardType { get; set; } = RewardType.Cashback;
    /// <summary>Cashback programs: basis points of the purchase, 500 = 5%.</summary>
    public int EarnRateBps { get; set; } = 500;
    /// <summary>Points programs: whole points earned per currency unit (R$ 1,00) paid with money; 2 = 2 points per R$ 1.</summary>
    public int PointsPerCurrencyUnit { get; set; } = 1;
    /// <summary>Points programs: what one point costs the merchant, in cents (values the points liability); 0 = not stated.</summary>
    public long CostPerPointCents { get; set; }
    public long MinPurchaseCents { get; set; }
    /// <summary>Most one purchase can earn, in the program's unit (cents or points); null = no cap.</summary>
    public long? MaxEarnPerPurchaseCents { get; set; }
    /// <summary>Line-item categories that earn nothing (e.g. "prescription").</summary>
    public List<string> ExcludedCategories { get; set; } = [];
    /// <summary>Days before earned cashback becomes available; 0 = at once.</summary>
    public int PendingDays { get; set; }
    /// <summary>Days a credit stays usable after it becomes available; null = never expires.</summary>
    public int? ExpiryDays { get; set; }
    public long MinRedeemBalanceCents { get; set; }
    /// <summary>Largest share of a purchase payable with cashback, in basis points (10 000 = all of it).</summary>
    public int MaxRedeemShareBps { get; set; } = 10_000;
    public VoucherMode VoucherMode { get; set; } = VoucherMode.None;
    public long VoucherThresholdCents { get; set; }
    public int VoucherValidityDays { get; set; } = 30;
    public long ReferrerRewardCents { get; set; }
    public long RefereeRewardCents { get; set; }
    public long ReferralMinPurchaseCents { get; set; }
    /// <summary>Most referral rewards one referrer earns per month; 0 = no limit.</summary>
    public int ReferralMonthlyCap { get; set; }
    public long WelcomeBonusCents { get; set; }
    public long BirthdayBonusCents { get; set; }
    public List<Boost> Boosts { get; set; } = [];

    public bool IsPoints => RewardType == RewardType.Points;

    /// <summary>
    /// The earn rate for a purchase on this local date in the program's terms — basis points for cashback, points per currency
    /// unit for points: the best boost that applies (a boost sets the rate, it does not multiply it), else the base rate.
    /// </summary>
    public int RateOn(DateOnly localDate) => IsPoints
        ? Boosts.Where(b => b.AppliesOn(localDate)).Select(b => b.PointsPerCurrencyUnit).DefaultIfEmpty(PointsPerCurrencyUnit).Max()
        : Boosts.Where(b => b.AppliesOn(localDate)).Select(b => b.RateBps).DefaultIfEmpty(EarnRateBps).Max();

    /// <summary>
    /// The largest part of a purchase of <paramref name="amountCents"/> that may be paid with cashback (the share in
    /// <see cref="MaxRedeemShareBps"/>, rounded down). The one place this is computed: the ledger refuses above it, the counter
    /// fills and shows it. Points are never money: a points program pays nothing with its balance (points are spent on the
    /// reward catalogue), so this is 0 for points.
    /// </summary>
    public long MaxCashbackPaymentCents(long amountCents) => IsPoints ? 0 : (long)((Int128)amountCents * MaxRedeemShareBps / 10_000);

    /// <summary>
    /// The most cashback a customer with <paramref name="availableCents"/> may use on a purchase of <paramref name="amountCents"/>:
    /// nothing below <see cref="MinRedeemBalanceCents"/>, else the share allowed, within the balance.
    /// </summary>
    public long MaxCashbackUsableCents(long amountCents, long availableCents) =>
        IsPoints || availableCents < MinRedeemBalanceCents ? 0 : Math.Max(0, Math.Min(availableCents, MaxCashbackPaymentCents(amountCents)));

    public ProgramRules CopyAsNextVersion() => new()
    {
        TenantId = TenantId, Version = Version + 1, RewardType = RewardType, EarnRateBps = EarnRateBps,
        PointsPerCurrencyUnit = PointsPerCurrencyUnit, CostPerPointCents = CostPerPointCents,
        MinPurchaseCents = MinPurchaseCents, MaxEarnPerPurchaseCents = MaxEarnPerPurchaseCents,
        ExcludedCategories = [.. ExcludedCategories], PendingDays = PendingDays, ExpiryDays = ExpiryDays,
        MinRedeemBalanceCents = MinRedeemBalanceCents, MaxRedeemShareBps = MaxRedeemShareBps,
        VoucherMode = VoucherMode, VoucherThresholdCents = VoucherThresholdCents, VoucherValidityDays = VoucherValidityDays,
        ReferrerRewardCents = ReferrerRewardCents, RefereeRewardCents = RefereeRewardCents,
        ReferralMinPurchaseCents = ReferralMinPurchaseCents, ReferralMonthlyCap = ReferralMonthlyCap,
        WelcomeBonusCents = WelcomeBonusCents, BirthdayBonusCents = BirthdayBonusCents,
        Boosts = Boosts.Select(b => new Boost { Name = b.Name, RateBps = b.RateBps, PointsPerCurrencyUnit = b.PointsPerCurrencyUnit, StartsOn = b.StartsOn, EndsOn = b.EndsOn, Weekdays = [.. b.Weekdays] }).ToList(),
    };
}

public sealed class ProgramRulesConfiguration : IEntityTypeConfiguration<ProgramRules>
{
    public void Configure(EntityTypeBuilder<ProgramRules> b)
    {
        b.ToTable("program_rules");
        b.HasKey(r => new { r.TenantId, r.Version });
        b.HasOne<Tenant>().WithMany().HasForeignKey(r => r.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(r => new { r.TenantId, r.EffectiveFrom });
        b.Property(r => r.RewardType).HasConversion<string>().HasMaxLength(20);
        b.Property(r => r.VoucherMode).HasConversion<string>().HasMaxLength(20);
        b.Property(r => r.CreatedByUserId).HasMaxLength(450);
        b.OwnsMany(r => r.Boosts, o => o.ToJson());
    }
}
