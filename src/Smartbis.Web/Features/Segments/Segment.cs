using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Segments;

/// <summary>The automatic RFM segments, in the order they are decided (the first that fits wins).</summary>
public enum SegmentKind { New, Lost, AtRisk, Loyal, Active }

/// <summary>
/// A tenant's segment thresholds, one row per version (never updated: a change is a new version, audited).
/// No row = <see cref="Defaults"/>. The rules, first that fits (recency = days since the last purchase, or since
/// joining when there is none):
/// new: joined within <see cref="NewDays"/>; lost: recency over <see cref="LostDays"/>; at risk: recency over
/// <see cref="AtRiskDays"/>; loyal/VIP: at least <see cref="LoyalPurchases"/> purchases and <see cref="LoyalSpendCents"/>
/// spent within <see cref="WindowDays"/>; active: everyone else.
/// </summary>
public sealed class SegmentSettings : ITenantOwned
{
    public Guid TenantId { get; set; }
    public int Version { get; set; }
    public int NewDays { get; set; } = 30;
    public int AtRiskDays { get; set; } = 60;
    public int LostDays { get; set; } = 180;
    public int WindowDays { get; set; } = 180;
    public int LoyalPurchases { get; set; } = 5;
    public long LoyalSpendCents { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? CreatedByUserId { get; set; }

    public static SegmentSettings Defaults() => new();
}

/// <summary>A member's segment as the last nightly assignment found it, and since when (an indexed row per member).</summary>
public sealed class CustomerSegment : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid CustomerId { get; set; }
    public SegmentKind Segment { get; set; }
    /// <summary>When the member entered this segment (kept while they stay in it).</summary>
    public DateTimeOffset Since { get; set; }
    public DateTimeOffset AssignedAt { get; set; }
    public DateTimeOffset? LastPurchaseAt { get; set; }
    public int PurchasesInWindow { get; set; }
    public long SpentInWindowCents { get; set; }
}

/// <summary>Segment sizes per day (the assignment writes the day's row; re-runs overwrite it): the movement chart.</summary>
public sealed class SegmentSnapshot : ITenantOwned
{
    public Guid TenantId { get; set; }
    public DateOnly Day { get; set; }
    public SegmentKind Segment { get; set; }
    public int Members { get; set; }
    /// <summary>Members who entered the segment that day.</summary>
    public int Entered { get; set; }
}

/// <summary>A tenant's tag ("VIP lunch", "Event 2026"): put on customers by staff, usable as an audience.</summary>
public sealed class Tag : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    /// <summary>Lower case, trimmed: unique per tenant.</summary>
    public required string NormalizedName { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class CustomerTag : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid TagId { get; set; }
    public Guid CustomerId { get; set; }
    public DateTimeOffset AddedAt { get; set; }
}

public sealed class SegmentSettingsConfiguration : IEntityTypeConfiguration<SegmentSettings>
{
    public void Configure(EntityTypeBuilder<SegmentSettings> b)
    {
        b.ToTable("segment_settings");
        b.HasKey(s => new { s.TenantId, s.Version });
        b.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.Property(s => s.CreatedByUserId).HasMaxLength(450);
    }
}

public sealed class CustomerSegmentConfiguration : IEntityTypeConfiguration<CustomerSegment>
{
    public void Configure(EntityTypeBuilder<CustomerSegment> b)
    {
        b.ToTable("customer_segments");
        b.HasKey(s => new { s.TenantId, s.CustomerId });
        b.HasOne<Customer>().WithOne().HasForeignKey<CustomerSegment>(s => new { s.TenantId, s.CustomerId }).OnDelete(DeleteBehavior.Cascade);
        b.Property(s => s.Segment).HasConversion<string>().HasMaxLength(20);
        b.HasIndex(s => new { s.TenantId, s.Segment });
    }
}

public sealed class SegmentSnapshotConfiguration : IEntityTypeConfiguration<SegmentSnapshot>
{
    public void Configure(EntityTypeBuilder<SegmentSnapshot> b)
    {
        b.ToTable("segment_snapshots");
        b.HasKey(s => new { s.TenantId, s.Day, s.Segment });
        b.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.Property(s => s.Segment).HasConversion<string>().HasMaxLength(20);
    }
}

public sealed class TagConfiguration : IEntityTypeConfiguration<Tag>
{
    public void Configure(EntityTypeBuilder<Tag> b)
    {
        b.ToTable("tags");
        b.HasKey(t => new { t.TenantId, t.Id });
        b.HasOne<Tenant>().WithMany().HasForeignKey(t => t.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.Property(t => t.Name).HasMaxLength(40);
        b.Property(t => t.NormalizedName).HasMaxLength(40);
        b.HasIndex(t => new { t.TenantId, t.NormalizedName }).IsUnique();
    }
}

public sealed class CustomerTagConfiguration : IEntityTypeConfiguration<CustomerTag>
{
    public void Configure(EntityTypeBuilder<CustomerTag> b)
    {
        b.ToTable("customer_tags");
        b.HasKey(t => new { t.TenantId, t.TagId, t.CustomerId });
        b.HasOne<Tag>().WithMany().HasForeignKey(t => new { t.TenantId, t.TagId }).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Customer>().WithMany().HasForeignKey(t => new { t.TenantId, t.CustomerId }).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(t => new { t.TenantId, t.CustomerId });
    }
}
