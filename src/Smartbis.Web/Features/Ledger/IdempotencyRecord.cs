using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Smartbis.Web.Features.Ledger;

/// <summary>
/// The first result of a write that a counter or POS may retry, under its key (unique per tenant).
/// Written in the same transaction as the write, so a key is used once, whatever the concurrency.
/// </summary>
public sealed class IdempotencyRecord : Tenancy.ITenantOwned
{
    public Guid TenantId { get; set; }
    public required string Key { get; set; }
    public required string Operation { get; set; }
    /// <summary>SHA-256 of the request, to refuse the same key with a different request.</summary>
    public required string RequestHash { get; set; }
    public JsonDocument? Response { get; set; }
    public int StatusCode { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> b)
    {
        b.ToTable("idempotency_records");
        b.HasKey(r => new { r.TenantId, r.Key });
        b.HasOne<Tenancy.Tenant>().WithMany().HasForeignKey(r => r.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.Property(r => r.Key).HasMaxLength(255);
        b.Property(r => r.Operation).HasMaxLength(60);
        b.Property(r => r.RequestHash).HasMaxLength(64);
        b.Property(r => r.Response).HasColumnType("jsonb");
    }
}
