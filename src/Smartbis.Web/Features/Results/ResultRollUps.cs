using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Results;

/// <summary>
/// The measured members (joined while the holdout was on) of one month of joining and one group, each followed over their
/// first <see cref="RollUpResults.WindowDays"/> days, as running sums (n, Σx, Σx²) so any range of months adds up to the
/// samples <see cref="Statistics"/> compares. Rewritten by <see cref="RollUpResults"/> only: a cache, never a source of truth.
/// </summary>
public sealed class ResultCohort : ITenantOwned
{
    public Guid TenantId { get; set; }
    /// <summary>First day of the local month the members joined in.</summary>
    public DateOnly JoinMonth { get; set; }
    public bool InControlGroup { get; set; }
    public int Members { get; set; }
    /// <summary>Members who joined at least 30 (60, 90) days ago, and of them those who bought again within that many days.</summary>
    public int Eligible30 { get; set; }
    public int Returned30 { get; set; }
    public int Eligible60 { get; set; }
    public int Returned60 { get; set; }
    public int Eligible90 { get; set; }
    public int Returned90 { get; set; }
    /// <summary>Of the members whose 90 days are over (Eligible90): two or more purchases in those days.</summary>
    public int Repeaters { get; set; }
    /// <summary>Σ and Σ² over those members of their purchases in their first 90 days.</summary>
    public long Purchases { get; set; }
    public double PurchasesSquares { get; set; }
    /// <summary>Σ and Σ² over those members of their revenue (cents, net of refunds) in their first 90 days.</summary>
    public long RevenueCents { get; set; }
    public double RevenueSquares { get; set; }
    /// <summary>Σ over those purchases of (amount − refunded)² (cents²): the spread of the ticket.</summary>
    public double TicketSquares { get; set; }
    /// <summary>Rewards credited to those members in their first 90 days (cashback or points earned, bonuses), ledger units.</summary>
    public long CreditedUnits { get; set; }
    /// <summary>Rewards they used in those days (cashback paid, points spent), ledger units.</summary>
    public long RedeemedUnits { get; set; }
    /// <summary>Vouchers they redeemed in those days, cents.</summary>
    public long VouchersRedeemedCents { get; set; }
    /// <summary>Automated messages sent to them in those days, per channel.</summary>
    public int Emails { get; set; }
    public int WhatsApps { get; set; }
}

/// <summary>Retention: of every member who joined in a month (both groups), how many bought in each month after it (0 = that month).</summary>
public sealed class ResultCohortMonth : ITenantOwned
{
    public Guid TenantId { get; set; }
    public DateOnly JoinMonth { get; set; }
    public short MonthOffset { get; set; }
    public int Members { get; set; }
    public int Active { get; set; }
}

/// <summary>One local month's purchases by members (joined when they bought) and by walk-ins who had not joined.</summary>
public sealed class ResultMonth : ITenantOwned
{
    public Guid TenantId { get; set; }
    public DateOnly Month { get; set; }
    public int IdentifiedPurchases { get; set; }
    public long IdentifiedRevenueCents { get; set; }
    public int WalkInPurchases { get; set; }
    public long WalkInRevenueCents { get; set; }
}

/// <summary>When a tenant's results were last rolled up, and in which time zone.</summary>
public sealed class ResultsWatermark : ITenantOwned
{
    public Guid TenantId { get; set; }
    public DateTimeOffset RolledUpAt { get; set; }
    public string TimeZone { get; set; } = "";
}

public sealed class ResultRollUpsConfiguration : IEntityTypeConfiguration<ResultCohort>, IEntityTypeConfiguration<ResultCohortMonth>,
    IEntityTypeConfiguration<ResultMonth>, IEntityTypeConfiguration<ResultsWatermark>
{
    public void Configure(EntityTypeBuilder<ResultCohort> b)
    {
        b.ToTable("result_cohorts");
        b.HasKey(r => new { r.TenantId, r.JoinMonth, r.InControlGroup });
        b.HasOne<Tenant>().WithMany().HasForeignKey(r => r.TenantId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<ResultCohortMonth> b)
    {
        b.ToTable("result_cohort_months");
        b.HasKey(r => new { r.TenantId, r.JoinMonth, r.MonthOffset });
        b.HasOne<Tenant>().WithMany().HasForeignKey(r => r.TenantId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<ResultMonth> b)
    {
        b.ToTable("result_months");
        b.HasKey(r => new { r.TenantId, r.Month });
        b.HasOne<Tenant>().WithMany().HasForeignKey(r => r.TenantId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<ResultsWatermark> b)
    {
        b.ToTable("results_watermarks");
        b.HasKey(r => r.TenantId);
        b.HasOne<Tenant>().WithMany().HasForeignKey(r => r.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.Property(r => r.TimeZone).HasMaxLength(60);
    }
}
