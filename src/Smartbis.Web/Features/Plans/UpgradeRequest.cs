using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Plans;

public enum UpgradeStatus { Pending, Approved, Refused }

/// <summary>An owner's request to move to another plan, decided by the billing provider (today an operator: <see cref="ManualApprovalBilling"/>).</summary>
public sealed class UpgradeRequest : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string FromPlanCode { get; set; }
    public required string ToPlanCode { get; set; }
    public string? RequestedByUserId { get; set; }
    public string RequestedByEmail { get; set; } = "";
    public DateTimeOffset RequestedAt { get; set; }
    public UpgradeStatus Status { get; set; } = UpgradeStatus.Pending;
    public DateTimeOffset? DecidedAt { get; set; }
    public string? DecidedBy { get; set; }
    /// <summary>The operator's note to the owner (a refusal's reason).</summary>
    public string? Note { get; set; }
}

public sealed class UpgradeRequestConfiguration : IEntityTypeConfiguration<UpgradeRequest>
{
    public void Configure(EntityTypeBuilder<UpgradeRequest> b)
    {
        b.ToTable("upgrade_requests");
        b.HasKey(u => new { u.TenantId, u.Id });
        b.Property(u => u.FromPlanCode).HasMaxLength(20);
        b.Property(u => u.ToPlanCode).HasMaxLength(20);
        b.Property(u => u.RequestedByUserId).HasMaxLength(450);
        b.Property(u => u.RequestedByEmail).HasMaxLength(256);
        b.Property(u => u.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(u => u.DecidedBy).HasMaxLength(256);
        b.Property(u => u.Note).HasMaxLength(500);
        b.HasIndex(u => new { u.TenantId, u.Status });
    }
}
