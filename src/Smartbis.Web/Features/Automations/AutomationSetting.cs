using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Automations;

/// <summary>
/// A tenant's choice for one trigger. No row = the default (on, by email, no delay), so a new program
/// messages its customers on day one.
/// </summary>
public sealed class AutomationSetting : ITenantOwned
{
    public Guid TenantId { get; set; }
    public required string Trigger { get; set; }
    public bool Enabled { get; set; } = true;
    public bool Email { get; set; } = true;
    public bool WhatsApp { get; set; }
    public int DelayMinutes { get; set; }
    /// <summary>Hold messages during the tenant's quiet hours. Off by default only for the receipts of what the customer just did (joined, bought).</summary>
    public bool QuietHours { get; set; } = true;
    /// <summary>Expiring soon: days before expiry; win-back: days without a purchase.</summary>
    public int? Days { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public static AutomationSetting Default(string trigger) => new()
    {
        Trigger = trigger, Days = Triggers.Find(trigger) is { DefaultDays: > 0 } t ? t.DefaultDays : null,
        QuietHours = trigger is not (Triggers.Welcome or Triggers.CashbackEarned),
    };
}

public sealed class AutomationSettingConfiguration : IEntityTypeConfiguration<AutomationSetting>
{
    public void Configure(EntityTypeBuilder<AutomationSetting> b)
    {
        b.ToTable("automation_settings");
        b.HasKey(s => new { s.TenantId, s.Trigger });
        b.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.Property(s => s.Trigger).HasMaxLength(40);
        b.Property(s => s.QuietHours).HasDefaultValue(true).HasSentinel(true); // false is written, true may come from the default
    }
}
