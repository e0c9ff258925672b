using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Segments;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Campaigns;

public enum CampaignStatus
{
    /// <summary>Written, not launched: preview and test send.</summary>
    Draft,
    /// <summary>Launched, waiting for its time (or for the job that runs it).</summary>
    Scheduled,
    /// <summary>Recipients planned; bonuses and messages being written.</summary>
    Sending,
    Sent,
    Cancelled,
}

/// <summary>
/// A one-off message to a segment, a tag or every member, by email and/or WhatsApp (an approved template), optionally
/// with a bonus: a fixed amount credited once per recipient and/or a multiplier of what recipients earn during a window.
/// A share of the audience (<see cref="HoldoutPercent"/>) is held out at planning: no message, no bonus, the comparison.
/// </summary>
public sealed class Campaign : ITenantOwned
{
    public const int NoMultiplier = 10_000;

    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public CampaignStatus Status { get; set; } = CampaignStatus.Draft;
    /// <summary>The audience: a segment, a tag, or (both null) every member.</summary>
    public SegmentKind? Segment { get; set; }
    public Guid? TagId { get; set; }
    public bool Email { get; set; }
    public bool WhatsApp { get; set; }
    public string Subject { get; set; } = "";
    public string Body { get; set; } = "";
    public string? WhatsAppTemplate { get; set; }
    public string? WhatsAppParameters { get; set; }
    /// <summary>When to send; null = as soon as it is launched.</summary>
    public DateTimeOffset? SendAt { get; set; }
    public int HoldoutPercent { get; set; }
    /// <summary>Credited once to each recipient, in the program's unit (cents or points); 0 = none.</summary>
    public long BonusAmount { get; set; }
    /// <summary>What recipients earn is multiplied by this (10 000 = ×1) for purchases between BoostFrom and BoostUntil.</summary>
    public int MultiplierBps { get; set; } = NoMultiplier;
    public DateTimeOffset? BoostFrom { get; set; }
    public DateTimeOffset? BoostUntil { get; set; }
    /// <summary>The result compares return and revenue in this many days after sending.</summary>
    public int MeasureDays { get; set; } = 30;
    public DateTimeOffset CreatedAt { get; set; }
    public string? CreatedByUserId { get; set; }
    public DateTimeOffset? LaunchedAt { get; set; }
    public DateTimeOffset? PlannedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    /// <summary>Audience members planned (holdout included) and how many of them are held out.</summary>
    public int Audience { get; set; }
    public int Holdout { get; set; }

    public bool HasBoost => MultiplierBps > NoMultiplier && BoostFrom is not null && BoostUntil is not null;
}

/// <summary>One audience member of a planned campaign: held out or not (drawn at planning, never changed) and their bonus.</summary>
public sealed class CampaignRecipient : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid CampaignId { get; set; }
    public Guid CustomerId { get; set; }
    public bool Holdout { get; set; }
    public long BonusAmount { get; set; }
    public DateTimeOffset? BonusGrantedAt { get; set; }
}

public sealed class CampaignConfiguration : IEntityTypeConfiguration<Campaign>
{
    public void Configure(EntityTypeBuilder<Campaign> b)
    {
        b.ToTable("campaigns", t =>
        {
            t.HasCheckConstraint("ck_campaigns_holdout", "holdout_percent BETWEEN 0 AND 50");
            t.HasCheckConstraint("ck_campaigns_multiplier", "multiplier_bps BETWEEN 10000 AND 50000");
            t.HasCheckConstraint("ck_campaigns_bonus", "bonus_amount >= 0");
        });
        b.HasKey(c => new { c.TenantId, c.Id });
        b.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Tag>().WithMany().HasForeignKey(c => new { c.TenantId, c.TagId }).OnDelete(DeleteBehavior.Restrict);
        b.Property(c => c.Name).HasMaxLength(80);
        b.Property(c => c.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.Segment).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.Subject).HasMaxLength(200);
        b.Property(c => c.Body).HasMaxLength(20_000);
        b.Property(c => c.WhatsAppTemplate).HasMaxLength(100);
        b.Property(c => c.WhatsAppParameters).HasMaxLength(500);
        b.Property(c => c.CreatedByUserId).HasMaxLength(450);
        b.HasIndex(c => new { c.TenantId, c.Status, c.SendAt });
    }
}

public sealed class CampaignRecipientConfiguration : IEntityTypeConfiguration<CampaignRecipient>
{
    public void Configure(EntityTypeBuilder<CampaignRecipient> b)
    {
        b.ToTable("campaign_recipients");
        b.HasKey(r => new { r.TenantId, r.CampaignId, r.CustomerId });
        b.HasOne<Campaign>().WithMany().HasForeignKey(r => new { r.TenantId, r.CampaignId }).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Customer>().WithMany().HasForeignKey(r => new { r.TenantId, r.CustomerId }).OnDelete(DeleteBehavior.Cascade);
        // The earn computation looks a customer's boosts up by customer.
        b.HasIndex(r => new { r.TenantId, r.CustomerId });
    }
}
