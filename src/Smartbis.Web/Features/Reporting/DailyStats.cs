using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Reporting;

/// <summary>
/// One tenant's figures for one local day (tenant's time zone) in one store, rolled up from the ledger by
/// <see cref="RollUpDailyStats"/>. Figures without a store (bonuses, joins, expiry) sit under <see cref="NoStore"/>.
/// Only ever rewritten by the roll-up: a row is a cache of the ledger, never a source of truth.
/// </summary>
public sealed class DailyStats : ITenantOwned
{
    public static readonly Guid NoStore = Guid.Empty;

    public Guid TenantId { get; set; }
    public DateOnly Day { get; set; }
    public Guid StoreId { get; set; }
    public int Purchases { get; set; }
    public long RevenueCents { get; set; }
    /// <summary>Cashback earned on purchases (Earn entries, after any clawback offset).</summary>
    public long EarnedCents { get; set; }
    /// <summary>Welcome, birthday and referral bonuses credited.</summary>
    public long BonusCents { get; set; }
    /// <summary>Cashback and vouchers spent on purchases.</summary>
    public long RedeemedCents { get; set; }
    /// <summary>Cashback and vouchers that expired unused (breakage).</summary>
    public long ExpiredCents { get; set; }
    public int VouchersIssued { get; set; }
    public long VouchersIssuedCents { get; set; }
    public int VouchersRedeemed { get; set; }
    public long VouchersRedeemedCents { get; set; }
    /// <summary>Net change of what the merchant owes (pending + available + vouchers) that day.</summary>
    public long LiabilityDeltaCents { get; set; }
    public int NewMembers { get; set; }
    /// <summary>New members who joined with a referral code.</summary>
    public int ReferredMembers { get; set; }
}

/// <summary>
/// The business's purchases of one local day, counted by the local day of the same customer's purchase
/// <see cref="Back"/> purchases earlier (<see cref="None"/> when there is none), rolled up by <see cref="RollUpDailyStats"/>.
/// It answers the overview's distinct-customer figures exactly without reading purchases: each customer who bought in
/// [from, to] has exactly one purchase there whose previous purchase is before <c>from</c> (the first in the range), and
/// each who bought there k times has max(k − 2, 0) purchases whose purchase two back is in the range (see
/// <see cref="Overview"/>). At most a few hundred rows a day (one per earlier day), whatever the number of purchases.
/// </summary>
public sealed class DailyBuyers : ITenantOwned
{
    /// <summary>The "since" of a purchase with no purchase that many before it.</summary>
    public static readonly DateOnly None = new(1, 1, 1);

    public Guid TenantId { get; set; }
    public DateOnly Day { get; set; }
    /// <summary>1: the previous purchase; 2: the one before it.</summary>
    public short Back { get; set; }
    public DateOnly SinceDay { get; set; }
    public int Purchases { get; set; }
}

/// <summary>How far a tenant's roll-up has read the ledger, and in which time zone its days were cut.</summary>
public sealed class StatsWatermark : ITenantOwned
{
    public Guid TenantId { get; set; }
    public DateTimeOffset RolledUpTo { get; set; }
    public string TimeZone { get; set; } = "";
}

public sealed class DailyStatsConfiguration : IEntityTypeConfiguration<DailyStats>
{
    public void Configure(EntityTypeBuilder<DailyStats> b)
    {
        b.ToTable("daily_stats");
        b.HasKey(s => new { s.TenantId, s.Day, s.StoreId });
        b.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Restrict);
        // No FK to stores: StoreId may be NoStore (Guid.Empty) for figures that belong to no store.
    }
}

public sealed class DailyBuyersConfiguration : IEntityTypeConfiguration<DailyBuyers>
{
    public void Configure(EntityTypeBuilder<DailyBuyers> b)
    {
        b.ToTable("daily_buyers");
        b.HasKey(s => new { s.TenantId, s.Day, s.Back, s.SinceDay });
        b.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class StatsWatermarkConfiguration : IEntityTypeConfiguration<StatsWatermark>
{
    public void Configure(EntityTypeBuilder<StatsWatermark> b)
    {
        b.ToTable("stats_watermarks");
        b.HasKey(s => s.TenantId);
        b.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.Property(s => s.TimeZone).HasMaxLength(60);
    }
}
