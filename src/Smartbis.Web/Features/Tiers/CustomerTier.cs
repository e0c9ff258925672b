using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Tiers;

/// <summary>
/// A member's level (rank into the levels of the version in force; no row = the first level). Raised at once by the
/// purchase that crosses a threshold (<see cref="TierOnPurchase"/>), lowered only by the review (<see cref="ReviewTiers"/>).
/// </summary>
public sealed class CustomerTier : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid CustomerId { get; set; }
    public int Rank { get; set; }
    public DateTimeOffset AchievedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>The review the member was last reminded about (one reminder per review).</summary>
    public DateTimeOffset? RemindedFor { get; set; }
}

/// <summary>A review that ran: one row per tenant and review moment, so a review happens once.</summary>
public sealed class TierReview : ITenantOwned
{
    public Guid TenantId { get; set; }
    public DateTimeOffset ReviewAt { get; set; }
    public DateTimeOffset RanAt { get; set; }
    public int Downgraded { get; set; }
    public int Upgraded { get; set; }
}

/// <summary>Members per level on a local day (the dashboard's chart), rewritten by <see cref="ReviewTiers"/> for the current day.</summary>
public sealed class TierDailyMembers : ITenantOwned
{
    public Guid TenantId { get; set; }
    public DateOnly Day { get; set; }
    public int Rank { get; set; }
    public string LevelName { get; set; } = "";
    public int Members { get; set; }
}

public sealed class CustomerTierConfiguration : IEntityTypeConfiguration<CustomerTier>
{
    public void Configure(EntityTypeBuilder<CustomerTier> b)
    {
        b.ToTable("customer_tiers", t => t.HasCheckConstraint("ck_customer_tiers_rank", "rank >= 0"));
        b.HasKey(c => new { c.TenantId, c.CustomerId });
        b.HasOne<Customer>().WithMany().HasForeignKey(c => new { c.TenantId, c.CustomerId }).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class TierReviewConfiguration : IEntityTypeConfiguration<TierReview>
{
    public void Configure(EntityTypeBuilder<TierReview> b)
    {
        b.ToTable("tier_reviews");
        b.HasKey(r => new { r.TenantId, r.ReviewAt });
        b.HasOne<Tenant>().WithMany().HasForeignKey(r => r.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class TierDailyMembersConfiguration : IEntityTypeConfiguration<TierDailyMembers>
{
    public void Configure(EntityTypeBuilder<TierDailyMembers> b)
    {
        b.ToTable("tier_daily_members");
        b.HasKey(s => new { s.TenantId, s.Day, s.Rank });
        b.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.Property(s => s.LevelName).HasMaxLength(40);
    }
}
