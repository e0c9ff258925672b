using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Counter;

/// <summary>
/// The merchant's staff-fraud thresholds, one row per tenant. Kept apart from the versioned ProgramRules:
/// they say how the counter is policed, not how a purchase earns, so changing them needs no new rule version.
/// A tenant without a row uses the defaults below.
/// </summary>
public sealed class CounterSettings : ITenantOwned
{
    public Guid TenantId { get; set; }
    /// <summary>Cashback + voucher value paying one purchase above which the customer's one-time code (or a manager PIN) is required; 0 = never.</summary>
    public long LargeRedemptionCents { get; set; } = 50_00;
    public int CodeValidityMinutes { get; set; } = 10;
    /// <summary>A customer with more than this many purchases inside the window is flagged.</summary>
    public int BurstPurchases { get; set; } = 4;
    public int BurstWindowMinutes { get; set; } = 60;
    /// <summary>Flag a cashier recording purchases for their own phone or email.</summary>
    public bool FlagOwnAccount { get; set; } = true;
    /// <summary>Flag a cashier whose refunds reach this share of their purchases (basis points) over the window...</summary>
    public int RefundRateBps { get; set; } = 2_000;
    /// <summary>...once they recorded at least this many purchases in it (a rate of 1 in 2 means nothing).</summary>
    public int RefundRateMinPurchases { get; set; } = 10;
    public int RefundRateWindowDays { get; set; } = 30;
    /// <summary>
    /// How far in the past a purchase's occurredAt may be (hours), for offline tills that sync late; older is refused (422).
    /// Set by the owner. A purchase backdated by more than <see cref="BackdatedFlagAfter"/> is flagged for managers.
    /// </summary>
    public int BackdatingWindowHours { get; set; } = DefaultBackdatingWindowHours;

    public const int DefaultBackdatingWindowHours = 72;
    public const int MaxBackdatingWindowHours = 24 * 90;
    /// <summary>How far ahead of the server's clock a purchase's occurredAt may be (a till's clock skew).</summary>
    public static readonly TimeSpan FutureSkew = TimeSpan.FromMinutes(5);
    /// <summary>A purchase whose occurredAt is this much older than its recording is "backdated" (an anomaly flag).</summary>
    public static readonly TimeSpan BackdatedFlagAfter = TimeSpan.FromHours(1);
    public DateTimeOffset UpdatedAt { get; set; }
    public string? UpdatedByUserId { get; set; }
}

public sealed class CounterSettingsConfiguration : IEntityTypeConfiguration<CounterSettings>
{
    public void Configure(EntityTypeBuilder<CounterSettings> b)
    {
        b.ToTable("counter_settings", t =>
        {
            t.HasCheckConstraint("ck_counter_settings_positive",
                "large_redemption_cents >= 0 AND code_validity_minutes > 0 AND burst_purchases > 0 AND burst_window_minutes > 0 " +
                "AND refund_rate_bps > 0 AND refund_rate_min_purchases > 0 AND refund_rate_window_days > 0");
            t.HasCheckConstraint("ck_counter_settings_backdating_window", $"backdating_window_hours BETWEEN 1 AND {CounterSettings.MaxBackdatingWindowHours}");
        });
        b.HasKey(s => s.TenantId);
        b.HasOne<Tenant>().WithOne().HasForeignKey<CounterSettings>(s => s.TenantId).OnDelete(DeleteBehavior.Cascade);
        b.Property(s => s.UpdatedByUserId).HasMaxLength(450);
        b.Property(s => s.BackdatingWindowHours).HasDefaultValue(CounterSettings.DefaultBackdatingWindowHours);
    }
}
