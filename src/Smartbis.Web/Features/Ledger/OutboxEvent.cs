using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Smartbis.Web.Features.Ledger;

/// <summary>Names of the events the ledger emits, for automations and webhooks.</summary>
public static class Events
{
    public const string CustomerJoined = "customer.joined";
    public const string PurchaseRecorded = "purchase.recorded";
    public const string PurchaseRefunded = "purchase.refunded";
    public const string CashbackEarned = "cashback.earned";
    public const string CashbackAvailable = "cashback.available";
    public const string CashbackRedeemed = "cashback.redeemed";
    public const string CashbackExpired = "cashback.expired";
    public const string BalanceAdjusted = "balance.adjusted";
    public const string BonusGranted = "bonus.granted";
    public const string VoucherIssued = "voucher.issued";
    public const string VoucherRedeemed = "voucher.redeemed";
    public const string VoucherExpired = "voucher.expired";
    public const string VoucherCancelled = "voucher.cancelled";
}

/// <summary>
/// A side effect waiting to leave: written in the same transaction as the change that caused it,
/// delivered later by jobs (messages, webhooks). SubjectId is what the event is about (purchase, voucher, lot).
/// </summary>
public sealed class OutboxEvent : Tenancy.ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Type { get; set; }
    public Guid? CustomerId { get; set; }
    public Guid? SubjectId { get; set; }
    public JsonDocument Payload { get; set; } = JsonDocument.Parse("{}");
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ProcessedAt { get; set; }

    public static OutboxEvent Of(string type, Guid? customerId, Guid? subjectId, object payload, DateTimeOffset at) => new()
    {
        Type = type, CustomerId = customerId, SubjectId = subjectId, CreatedAt = at,
        Payload = JsonSerializer.SerializeToDocument(payload, JsonSerializerOptions.Web),
    };
}

public sealed class OutboxEventConfiguration : IEntityTypeConfiguration<OutboxEvent>
{
    public void Configure(EntityTypeBuilder<OutboxEvent> b)
    {
        b.ToTable("outbox_events");
        b.HasKey(e => new { e.TenantId, e.Id });
        b.HasOne<Tenancy.Tenant>().WithMany().HasForeignKey(e => e.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.Property(e => e.Type).HasMaxLength(60);
        b.Property(e => e.Payload).HasColumnType("jsonb");
        b.HasIndex(e => new { e.TenantId, e.CreatedAt }).HasFilter("processed_at IS NULL").HasDatabaseName("ix_outbox_events_unprocessed");
        b.HasIndex(e => new { e.TenantId, e.CustomerId, e.Type });
    }
}
