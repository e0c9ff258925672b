using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Audit;

/// <summary>
/// Who did what, when, where, to what — with the before and after of a change. Written in the same
/// transaction as the change itself, never edited.
/// </summary>
public sealed class AuditEntry : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public DateTimeOffset At { get; set; }
    public string? UserId { get; set; }
    /// <summary>The actor as people read it (email, "API key …", "system").</summary>
    public string Actor { get; set; } = "system";
    public Guid? StoreId { get; set; }
    /// <summary>Dotted verb: "settings.updated", "balance.adjusted", "staff.invited", "purchase.refunded", "customers.exported"...</summary>
    public required string Action { get; set; }
    public string? SubjectType { get; set; }
    public string? SubjectId { get; set; }
    /// <summary>The English sentence of the time, for logs; pages render <see cref="Action"/> and <see cref="Values"/> (<see cref="AuditText"/>).</summary>
    public string Summary { get; set; } = "";
    /// <summary>The values the action's text names (amounts in cents, names, codes), as JSON; null on entries written before.</summary>
    public JsonDocument? Values { get; set; }
    public JsonDocument? Before { get; set; }
    public JsonDocument? After { get; set; }
    public string? IpAddress { get; set; }
}

public sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("audit_entries");
        b.HasKey(a => new { a.TenantId, a.Id });
        b.HasOne<Tenant>().WithMany().HasForeignKey(a => a.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.Property(a => a.UserId).HasMaxLength(450);
        b.Property(a => a.Actor).HasMaxLength(254);
        b.Property(a => a.Action).HasMaxLength(60);
        b.Property(a => a.SubjectType).HasMaxLength(40);
        b.Property(a => a.SubjectId).HasMaxLength(100);
        b.Property(a => a.Summary).HasMaxLength(500);
        b.Property(a => a.Before).HasColumnType("jsonb");
        b.Property(a => a.After).HasColumnType("jsonb");
        b.Property(a => a.Values).HasColumnType("jsonb");
        b.Property(a => a.IpAddress).HasMaxLength(45);
        b.HasIndex(a => new { a.TenantId, a.At });
        b.HasIndex(a => new { a.TenantId, a.Action, a.At });
    }
}
