using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Plans;

/// <summary>
/// A tenant's usage in one calendar month (UTC; <see cref="Month"/> is its first day). Event counters are added by
/// <see cref="Usage.AddAsync"/> with one atomic upsert in the transaction of the event (a join, a purchase, a message
/// sent) or, for API calls, in batches per node (<see cref="UsageMeter"/>); the levels (members, active members, stores,
/// staff) are measured by <see cref="PlanJobs"/> every hour and kept as the month's last reading.
/// </summary>
public sealed class UsageMonth : ITenantOwned
{
    public Guid TenantId { get; set; }
    public DateOnly Month { get; set; }
    public int MembersJoined { get; set; }
    public int Purchases { get; set; }
    public int EmailsSent { get; set; }
    public int WhatsAppSent { get; set; }
    public long ApiCalls { get; set; }
    /// <summary>Members (joined, not deleted) at the last reading.</summary>
    public int Members { get; set; }
    /// <summary>Members with at least one purchase in the month, at the last reading.</summary>
    public int ActiveMembers { get; set; }
    public int Stores { get; set; }
    public int Staff { get; set; }
    /// <summary>The plan in force at the last reading (what the month is invoiced on).</summary>
    public string? PlanCode { get; set; }
    public DateTimeOffset? MeasuredAt { get; set; }
}

public sealed class UsageMonthConfiguration : IEntityTypeConfiguration<UsageMonth>
{
    public void Configure(EntityTypeBuilder<UsageMonth> b)
    {
        b.ToTable("usage_months");
        b.HasKey(u => new { u.TenantId, u.Month });
        b.Property(u => u.PlanCode).HasMaxLength(20);
    }
}
