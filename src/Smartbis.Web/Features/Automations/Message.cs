using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Automations;

public enum MessageStatus
{
    /// <summary>Waiting for its time (delay, quiet hours, next retry).</summary>
    Scheduled,
    /// <summary>Claimed by a delivery job.</summary>
    Sending,
    Sent,
    Delivered,
    Read,
    /// <summary>Gave up after the last retry of a transient failure.</summary>
    Failed,
    /// <summary>Permanent refusal (SMTP 5xx, WhatsApp 4xx): never retried automatically.</summary>
    Bounced,
    /// <summary>The connection dropped after the content was handed over: it may have arrived; not resent blindly.</summary>
    Unknown,
    /// <summary>Not sent on purpose (frequency cap, opted out or consent withdrawn before sending); Error says why.</summary>
    Skipped,
}

/// <summary>
/// One message to one customer on one channel. At most one per (trigger, subject, channel) — a unique index,
/// so racing dispatchers and re-runs cannot send twice. Variables are captured when the event is dispatched;
/// the template is rendered when it is sent.
/// </summary>
public sealed class Message : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Trigger { get; set; }
    public Guid SubjectId { get; set; }
    public Channel Channel { get; set; }
    public Guid? CustomerId { get; set; }
    public Guid? EventId { get; set; }
    public string Locale { get; set; } = "pt-BR";
    public MessageStatus Status { get; set; } = MessageStatus.Scheduled;
    public string Recipient { get; set; } = "";
    public JsonDocument Variables { get; set; } = JsonDocument.Parse("{}");
    public string? Subject { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Not sent before this moment (delay, quiet hours, retry backoff).</summary>
    public DateTimeOffset NotBefore { get; set; }
    /// <summary>While Sending: the claim's end, after which the sweeper marks it Unknown.</summary>
    public DateTimeOffset? ClaimedUntil { get; set; }
    public int Attempts { get; set; }
    public string? Error { get; set; }
    public string? ProviderMessageId { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
}

/// <summary>One try at sending a message: what happened and when, shown to the merchant in the delivery log.</summary>
public sealed class MessageAttempt : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid MessageId { get; set; }
    public int Number { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>sent, transient, bounced, unknown, skipped.</summary>
    public required string Outcome { get; set; }
    public string? Detail { get; set; }
}

public sealed class MessageConfiguration : IEntityTypeConfiguration<Message>
{
    /// <summary>The statuses the overview counts (sent: handed over, delivered or read; failed: gave up or bounced).</summary>
    public const string OutcomeFilter = "status IN ('Sent', 'Delivered', 'Read', 'Failed', 'Bounced')";

    public void Configure(EntityTypeBuilder<Message> b)
    {
        b.ToTable("messages");
        b.HasKey(m => new { m.TenantId, m.Id });
        b.HasOne<Tenant>().WithMany().HasForeignKey(m => m.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Customer>().WithMany().HasForeignKey(m => new { m.TenantId, m.CustomerId }).OnDelete(DeleteBehavior.Restrict);
        b.Property(m => m.Trigger).HasMaxLength(40);
        b.Property(m => m.Channel).HasConversion<string>().HasMaxLength(20);
        b.Property(m => m.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(m => m.Locale).HasMaxLength(10);
        b.Property(m => m.Recipient).HasMaxLength(254);
        b.Property(m => m.Variables).HasColumnType("jsonb");
        b.Property(m => m.Subject).HasMaxLength(300);
        b.Property(m => m.Error).HasMaxLength(1000);
        b.Property(m => m.ProviderMessageId).HasMaxLength(200);
        // At most once per (trigger, subject, channel): the database says so, not a check in C#.
        b.HasIndex(m => new { m.TenantId, m.Trigger, m.SubjectId, m.Channel }).IsUnique().HasDatabaseName("ux_messages_once");
        b.HasIndex(m => new { m.TenantId, m.Status, m.NotBefore }).HasFilter("status IN ('Scheduled', 'Sending')").HasDatabaseName("ix_messages_due");
        b.HasIndex(m => new { m.TenantId, m.CustomerId, m.CreatedAt });
        b.HasIndex(m => new { m.TenantId, m.CreatedAt });
        // The overview's sent and failed counts over a range read only the messages with an outcome, from the index alone:
        // right after a campaign is planned the tenant may hold hundreds of thousands of messages still waiting, which the
        // count used to read one by one (629 ms per overview at 1.2 million messages, bench/NOTES.md).
        b.HasIndex(m => new { m.TenantId, m.CreatedAt }, "ix_messages_outcomes").IncludeProperties(m => m.Status).HasFilter(OutcomeFilter)
            .HasDatabaseName("ix_messages_outcomes");
        b.HasIndex(m => m.ProviderMessageId).HasFilter("provider_message_id IS NOT NULL");
    }
}

public sealed class MessageAttemptConfiguration : IEntityTypeConfiguration<MessageAttempt>
{
    public void Configure(EntityTypeBuilder<MessageAttempt> b)
    {
        b.ToTable("message_attempts");
        b.HasKey(a => new { a.TenantId, a.Id });
        b.HasOne<Message>().WithMany().HasForeignKey(a => new { a.TenantId, a.MessageId }).OnDelete(DeleteBehavior.Cascade);
        b.Property(a => a.Outcome).HasMaxLength(20);
        b.Property(a => a.Detail).HasMaxLength(1000);
        b.HasIndex(a => new { a.TenantId, a.MessageId, a.Number });
    }
}

/// <summary>A WhatsApp status webhook already applied: (provider message id, status) once, so a resent webhook changes nothing.</summary>
public sealed class WhatsAppStatusReceipt : ITenantOwned
{
    public Guid TenantId { get; set; }
    public required string ProviderMessageId { get; set; }
    public required string Status { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}

public sealed class WhatsAppStatusReceiptConfiguration : IEntityTypeConfiguration<WhatsAppStatusReceipt>
{
    public void Configure(EntityTypeBuilder<WhatsAppStatusReceipt> b)
    {
        b.ToTable("whatsapp_status_receipts");
        b.HasKey(r => new { r.TenantId, r.ProviderMessageId, r.Status });
        b.HasOne<Tenant>().WithMany().HasForeignKey(r => r.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.Property(r => r.ProviderMessageId).HasMaxLength(200);
        b.Property(r => r.Status).HasMaxLength(20);
    }
}
