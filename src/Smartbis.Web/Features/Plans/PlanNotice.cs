using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Plans;

/// <summary>
/// A notice sent to the owners that a limit reached a threshold (80 or 100 percent) in a month: the key makes it once
/// per limit, threshold and month (<see cref="PlanJobs"/>). Also the trial's end (metric "trial", threshold 100).
/// </summary>
public sealed class PlanNotice : ITenantOwned
{
    public Guid TenantId { get; set; }
    public DateOnly Month { get; set; }
    public string Metric { get; set; } = "";
    public int Threshold { get; set; }
    public DateTimeOffset SentAt { get; set; }
}

/// <summary>
/// Since when a tenant has been at or over a limit that has a grace period (members): written the first time an action
/// finds the limit reached, removed when it is back under it or its plan changes (<see cref="PlanLimits"/>).
/// </summary>
public sealed class LimitGrace : ITenantOwned
{
    public Guid TenantId { get; set; }
    public string Metric { get; set; } = "";
    public DateTimeOffset Since { get; set; }
}

public sealed class PlanNoticeConfiguration : IEntityTypeConfiguration<PlanNotice>
{
    public void Configure(EntityTypeBuilder<PlanNotice> b)
    {
        b.ToTable("plan_notices");
        b.HasKey(n => new { n.TenantId, n.Month, n.Metric, n.Threshold });
        b.Property(n => n.Metric).HasMaxLength(20);
    }
}

public sealed class LimitGraceConfiguration : IEntityTypeConfiguration<LimitGrace>
{
    public void Configure(EntityTypeBuilder<LimitGrace> b)
    {
        b.ToTable("limit_graces");
        b.HasKey(g => new { g.TenantId, g.Metric });
        b.Property(g => g.Metric).HasMaxLength(20);
    }
}
