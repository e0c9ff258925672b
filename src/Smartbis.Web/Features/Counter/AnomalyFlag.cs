using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Counter;

public enum AnomalyKind { Burst, OwnAccount, RefundRate, Backdated }

/// <summary>
/// Something a velocity rule found suspicious, for a manager to look at. One open flag per (kind, subject):
/// new evidence is added to it until a manager marks it reviewed; after that a new occurrence opens a new flag.
/// </summary>
public sealed class AnomalyFlag : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public AnomalyKind Kind { get; set; }
    /// <summary>What the flag is about, e.g. "customer:{id}", "cashier:{userId}:customer:{id}", "cashier:{userId}".</summary>
    public required string SubjectKey { get; set; }
    public Guid? CustomerId { get; set; }
    public string? CashierUserId { get; set; }
    public Guid? StoreId { get; set; }
    public string Summary { get; set; } = "";
    /// <summary>The rows that triggered it (purchases, refunds), as shown to the manager.</summary>
    public JsonDocument Evidence { get; set; } = JsonDocument.Parse("[]");
    public int Occurrences { get; set; } = 1;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public DateTimeOffset? ReviewedAt { get; set; }
    public string? ReviewedByUserId { get; set; }
    public string? ReviewNote { get; set; }
}

public sealed class AnomalyFlagConfiguration : IEntityTypeConfiguration<AnomalyFlag>
{
    public void Configure(EntityTypeBuilder<AnomalyFlag> b)
    {
        b.ToTable("anomaly_flags");
        b.HasKey(f => new { f.TenantId, f.Id });
        b.HasOne<Tenant>().WithMany().HasForeignKey(f => f.TenantId).OnDelete(DeleteBehavior.Cascade);
        b.Property(f => f.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(f => f.SubjectKey).HasMaxLength(200);
        b.Property(f => f.CashierUserId).HasMaxLength(450);
        b.Property(f => f.Summary).HasMaxLength(500);
        b.Property(f => f.Evidence).HasColumnType("jsonb");
        b.Property(f => f.ReviewedByUserId).HasMaxLength(450);
        b.Property(f => f.ReviewNote).HasMaxLength(500);
        // At most one open flag per kind and subject, even when two requests find it at once.
        b.HasIndex(f => new { f.TenantId, f.Kind, f.SubjectKey }).IsUnique().HasFilter("reviewed_at IS NULL");
        b.HasIndex(f => new { f.TenantId, f.ReviewedAt, f.LastSeenAt });
    }
}
