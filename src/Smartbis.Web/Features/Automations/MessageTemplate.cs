using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Automations;

/// <summary>
/// A tenant's own wording for one trigger, channel and language (Liquid). Without a row the built-in default
/// (<see cref="DefaultTemplates"/>) is used. For WhatsApp, Body is what the log shows and WhatsAppTemplate
/// names the template approved at Meta, whose parameters are WhatsAppParameters (variable names, in order).
/// </summary>
public sealed class MessageTemplate : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Trigger { get; set; }
    public Channel Channel { get; set; }
    public required string Locale { get; set; }
    public string Subject { get; set; } = "";
    public string Body { get; set; } = "";
    public string? WhatsAppTemplate { get; set; }
    public string? WhatsAppParameters { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class MessageTemplateConfiguration : IEntityTypeConfiguration<MessageTemplate>
{
    public void Configure(EntityTypeBuilder<MessageTemplate> b)
    {
        b.ToTable("message_templates");
        b.HasKey(t => new { t.TenantId, t.Id });
        b.HasOne<Tenant>().WithMany().HasForeignKey(t => t.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.Property(t => t.Trigger).HasMaxLength(40);
        b.Property(t => t.Channel).HasConversion<string>().HasMaxLength(20);
        b.Property(t => t.Locale).HasMaxLength(10);
        b.Property(t => t.Subject).HasMaxLength(200);
        b.Property(t => t.Body).HasMaxLength(20_000);
        b.Property(t => t.WhatsAppTemplate).HasMaxLength(100);
        b.Property(t => t.WhatsAppParameters).HasMaxLength(500);
        b.HasIndex(t => new { t.TenantId, t.Trigger, t.Channel, t.Locale }).IsUnique();
    }
}
