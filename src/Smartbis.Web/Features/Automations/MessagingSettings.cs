using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Automations;

/// <summary>
/// A tenant's channel settings and the limits that apply to every trigger: quiet hours (local time of the
/// tenant), a frequency cap per customer, the sender identity, the WhatsApp Cloud API credentials (token
/// encrypted with Data Protection) and the key that signs opt-out links.
/// </summary>
public sealed class MessagingSettings : ITenantOwned
{
    public Guid TenantId { get; set; }
    /// <summary>No message leaves between QuietFrom and QuietUntil (tenant's local time); equal = no quiet hours.</summary>
    public TimeOnly QuietFrom { get; set; } = new(21, 0);
    public TimeOnly QuietUntil { get; set; } = new(8, 0);
    /// <summary>Most messages per customer in 24 hours / 7 days; 0 = no cap.</summary>
    public int MaxPerDay { get; set; } = 3;
    public int MaxPerWeek { get; set; } = 10;
    /// <summary>Sender name of emails; null = the tenant's name.</summary>
    public string? SenderName { get; set; }
    public string? ReplyTo { get; set; }
    public string? WhatsAppPhoneNumberId { get; set; }
    /// <summary>The Cloud API access token, protected with ASP.NET Data Protection.</summary>
    public string? WhatsAppTokenProtected { get; set; }
    /// <summary>Signs opt-out links (HMAC-SHA256); made once per tenant, so links work on every node and survive restarts.</summary>
    public byte[] LinkKey { get; set; } = RandomNumberGenerator.GetBytes(32);
    public DateTimeOffset UpdatedAt { get; set; }

    public bool HasWhatsApp => !string.IsNullOrEmpty(WhatsAppPhoneNumberId) && !string.IsNullOrEmpty(WhatsAppTokenProtected);
}

public sealed class MessagingSettingsConfiguration : IEntityTypeConfiguration<MessagingSettings>
{
    public void Configure(EntityTypeBuilder<MessagingSettings> b)
    {
        b.ToTable("messaging_settings");
        b.HasKey(s => s.TenantId);
        b.HasOne<Tenant>().WithOne().HasForeignKey<MessagingSettings>(s => s.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.Property(s => s.SenderName).HasMaxLength(120);
        b.Property(s => s.ReplyTo).HasMaxLength(254);
        b.Property(s => s.WhatsAppPhoneNumberId).HasMaxLength(40);
        b.Property(s => s.WhatsAppTokenProtected).HasMaxLength(2000);
        // One business per phone number id, platform-wide: enforced by tenant_keys (TenantKey), a reference table.
    }
}
