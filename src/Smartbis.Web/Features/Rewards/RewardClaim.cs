using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Rewards;

public enum ClaimStatus { Claimed, Delivered, Expired }

/// <summary>
/// One redemption of a reward: the points were spent (one RewardRedeem ledger entry, <see cref="LedgerEntryId"/>), the
/// customer holds a code to show at the counter until <see cref="ExpiresAt"/>; then it is delivered, or it expires
/// (and its points come back when <see cref="ReturnPointsOnExpiry"/>, as chosen on the reward when it was redeemed).
/// </summary>
public sealed class RewardClaim : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid RewardId { get; set; }
    public Guid CustomerId { get; set; }
    /// <summary>Normalized (no hyphens); shown in groups of four.</summary>
    public required string Code { get; set; }
    /// <summary>The reward's name and what it cost when redeemed (the reward may change later).</summary>
    public required string RewardName { get; set; }
    public long CostPoints { get; set; }
    public ClaimStatus Status { get; set; } = ClaimStatus.Claimed;
    /// <summary>Where the redemption came from: portal, counter or api.</summary>
    public required string Channel { get; set; }
    public Guid? RedeemedStoreId { get; set; }
    public DateTimeOffset ClaimedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public bool ReturnPointsOnExpiry { get; set; }
    /// <summary>The RewardRedeem entry that spent the points.</summary>
    public Guid LedgerEntryId { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public Guid? DeliveredStoreId { get; set; }
    public string? DeliveredByUserId { get; set; }
    public DateTimeOffset? ExpiredAt { get; set; }
    /// <summary>Points given back when it expired (0 when the reward keeps them).</summary>
    public long ReturnedPoints { get; set; }
}

public sealed class RewardClaimConfiguration : IEntityTypeConfiguration<RewardClaim>
{
    public void Configure(EntityTypeBuilder<RewardClaim> b)
    {
        b.ToTable("reward_claims", t => t.HasCheckConstraint("ck_reward_claims_cost", "cost_points > 0"));
        b.HasKey(c => new { c.TenantId, c.Id });
        b.HasOne<Reward>().WithMany().HasForeignKey(c => new { c.TenantId, c.RewardId }).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Customer>().WithMany().HasForeignKey(c => new { c.TenantId, c.CustomerId }).OnDelete(DeleteBehavior.Restrict);
        b.Property(c => c.Code).HasMaxLength(16);
        b.Property(c => c.RewardName).HasMaxLength(120);
        b.Property(c => c.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.Channel).HasMaxLength(20);
        b.Property(c => c.DeliveredByUserId).HasMaxLength(450);
        b.HasIndex(c => new { c.TenantId, c.Code }).IsUnique();
        b.HasIndex(c => new { c.TenantId, c.CustomerId, c.RewardId });
        b.HasIndex(c => new { c.TenantId, c.Status, c.ExpiresAt }).HasFilter("status = 'Claimed'").HasDatabaseName("ix_reward_claims_due_expiry");
        b.HasIndex(c => new { c.TenantId, c.LedgerEntryId }).IsUnique();
    }
}
