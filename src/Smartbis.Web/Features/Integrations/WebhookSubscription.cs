using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Integrations;

/// <summary>
/// A merchant's endpoint that receives the chosen events, signed with its secret. The cursor says how far the
/// outbox has been scanned for it (webhooks never mark or delete outbox rows: automations own processed_at).
/// </summary>
public sealed class WebhookSubscription : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Url { get; set; }
    public List<string> Events { get; set; } = [];
    /// <summary>
    /// The signing secret ("whsec_…"), encrypted at rest with ASP.NET Data Protection (<see cref="WebhookSecrets"/>);
    /// kept to sign each delivery, shown to staff once. Rows from before encryption hold it plain ("whsec_…").
    /// </summary>
    public required string Secret { get; set; }
    public bool Active { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public string? CreatedByUserId { get; set; }
    /// <summary>Outbox events created after this moment have been scanned (with an overlap, see ScanOutbox).</summary>
    public DateTimeOffset CursorAt { get; set; }
    public DateTimeOffset? DisabledAt { get; set; }

    /// <summary>The events a merchant can subscribe to (the list).</summary>
    public static readonly string[] Supported =
    [
        Ledger.Events.PurchaseRecorded, Ledger.Events.PurchaseRefunded, Ledger.Events.CashbackEarned, Ledger.Events.CashbackAvailable,
        Ledger.Events.VoucherIssued, Ledger.Events.VoucherRedeemed, Ledger.Events.CustomerJoined,
        Rewards.RewardEvents.Redeemed,
    ];
}

public enum DeliveryStatus { Pending, Delivered, Failed }

/// <summary>One event for one subscription: unique per (tenant, subscription, event), so an event is queued once.</summary>
public sealed class WebhookDelivery : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid SubscriptionId { get; set; }
    public Guid EventId { get; set; }
    public required string EventType { get; set; }
    /// <summary>The exact JSON body sent on every attempt (the signature covers it).</summary>
    public required string Body { get; set; }
    public DeliveryStatus Status { get; set; } = DeliveryStatus.Pending;
    public int Attempts { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    /// <summary>Retries stop after this (24 hours after the first attempt was due).</summary>
    public DateTimeOffset GiveUpAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
}

/// <summary>One HTTP attempt of a delivery, for the log.</summary>
public sealed class WebhookAttempt : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid DeliveryId { get; set; }
    public int Number { get; set; }
    public DateTimeOffset At { get; set; }
    public int? StatusCode { get; set; }
    public string? Error { get; set; }
    public string? ResponseBody { get; set; }
    public int DurationMs { get; set; }
}

public sealed class WebhookSubscriptionConfiguration : IEntityTypeConfiguration<WebhookSubscription>
{
    public void Configure(EntityTypeBuilder<WebhookSubscription> b)
    {
        b.ToTable("webhook_subscriptions");
        b.HasKey(s => new { s.TenantId, s.Id });
        b.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.Property(s => s.Url).HasMaxLength(2000);
        b.Property(s => s.Secret).HasMaxLength(500);
    }
}

public sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> b)
    {
        b.ToTable("webhook_deliveries");
        b.HasKey(d => new { d.TenantId, d.Id });
        b.HasOne<WebhookSubscription>().WithMany().HasForeignKey(d => new { d.TenantId, d.SubscriptionId }).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<OutboxEvent>().WithMany().HasForeignKey(d => new { d.TenantId, d.EventId }).OnDelete(DeleteBehavior.Restrict);
        b.Property(d => d.EventType).HasMaxLength(60);
        b.Property(d => d.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(d => d.LastError).HasMaxLength(500);
        b.HasIndex(d => new { d.TenantId, d.SubscriptionId, d.EventId }).IsUnique();
        b.HasIndex(d => new { d.Status, d.NextAttemptAt }).HasFilter("status = 'Pending'").HasDatabaseName("ix_webhook_deliveries_due");
    }
}

public sealed class WebhookAttemptConfiguration : IEntityTypeConfiguration<WebhookAttempt>
{
    public void Configure(EntityTypeBuilder<WebhookAttempt> b)
    {
        b.ToTable("webhook_attempts");
        b.HasKey(a => new { a.TenantId, a.Id });
        b.HasOne<WebhookDelivery>().WithMany().HasForeignKey(a => new { a.TenantId, a.DeliveryId }).OnDelete(DeleteBehavior.Restrict);
        b.Property(a => a.Error).HasMaxLength(500);
        b.Property(a => a.ResponseBody).HasMaxLength(1000);
        b.HasIndex(a => new { a.TenantId, a.DeliveryId, a.Number });
    }
}

/// <summary>Webhook signing secrets are stored encrypted (Data Protection, the same key ring as the WhatsApp tokens).</summary>
public static class WebhookSecrets
{
    public const string Purpose = "Smartbis.Webhooks.SigningSecret";
    private const string PlainPrefix = "whsec_";

    public static string Protect(Microsoft.AspNetCore.DataProtection.IDataProtectionProvider protection, string secret) =>
        protection.CreateProtector(Purpose).Protect(secret);

    /// <summary>The secret in clear; a row written before secrets were encrypted is read as it is.</summary>
    public static string Reveal(Microsoft.AspNetCore.DataProtection.IDataProtectionProvider protection, string stored) =>
        stored.StartsWith(PlainPrefix, StringComparison.Ordinal) ? stored : protection.CreateProtector(Purpose).Unprotect(stored);
}
