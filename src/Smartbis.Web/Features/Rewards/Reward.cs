using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Rewards;

/// <summary>What the reward is: a voucher worth an amount at the counter, a free product, or a named benefit.</summary>
public enum RewardKind { Voucher, Product, Benefit }

/// <summary>Why a reward cannot be redeemed right now (none: it can).</summary>
public enum RewardAvailability { Available, Archived, NotStarted, Ended, OutOfStock, NotAtStore }

/// <summary>The events of the catalogue, for webhooks and automations (beside Ledger.Events).</summary>
public static class RewardEvents
{
    public const string Redeemed = "reward.redeemed";
    public const string Delivered = "reward.delivered";
    public const string Expired = "reward.expired";
}

/// <summary>
/// A reward of a points program's catalogue: costs whole points, optionally limited in stock and per customer, within
/// availability dates and at some stores. A redemption is a <see cref="RewardClaim"/> with its own code.
/// </summary>
public sealed class Reward : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public string? Description { get; set; }
    /// <summary>An https address of the reward's picture (validated by SaveReward).</summary>
    public string? ImageUrl { get; set; }
    public long CostPoints { get; set; }
    public RewardKind Kind { get; set; }
    /// <summary>The value of a voucher reward (minor units of the tenant's currency); null for the other kinds.</summary>
    public long? ValueCents { get; set; }
    /// <summary>Units left; null = unlimited. Goes down by one per redemption, back up when an unclaimed one expires.</summary>
    public int? Stock { get; set; }
    /// <summary>How many times one customer may redeem it; null = no limit.</summary>
    public int? PerCustomerLimit { get; set; }
    /// <summary>Start of the first day of availability in the tenant's time zone (UTC); null = at once.</summary>
    public DateTimeOffset? StartsAt { get; set; }
    /// <summary>Start of the day after the last day of availability in the tenant's time zone (UTC); null = no end.</summary>
    public DateTimeOffset? EndsAt { get; set; }
    /// <summary>The stores where it can be claimed; empty = all stores.</summary>
    public List<Guid> StoreIds { get; set; } = [];
    /// <summary>Days the customer has to claim it at the counter after redeeming.</summary>
    public int ClaimDays { get; set; } = 30;
    /// <summary>Whether the points come back when a redemption expires unclaimed.</summary>
    public bool ReturnPointsOnExpiry { get; set; } = true;
    public DateTimeOffset? ArchivedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The one rule of availability (pages, API and the redemption ask here).</summary>
    public RewardAvailability AvailabilityAt(DateTimeOffset now, Guid? storeId = null) =>
        ArchivedAt is not null ? RewardAvailability.Archived
        : StartsAt is { } s && now < s ? RewardAvailability.NotStarted
        : EndsAt is { } e && now >= e ? RewardAvailability.Ended
        : Stock is <= 0 ? RewardAvailability.OutOfStock
        : storeId is { } store && StoreIds.Count > 0 && !StoreIds.Contains(store) ? RewardAvailability.NotAtStore
        : RewardAvailability.Available;

    public bool ClaimableAt(Guid storeId) => StoreIds.Count == 0 || StoreIds.Contains(storeId);
}

public sealed class RewardConfiguration : IEntityTypeConfiguration<Reward>
{
    public void Configure(EntityTypeBuilder<Reward> b)
    {
        b.ToTable("rewards", t =>
        {
            t.HasCheckConstraint("ck_rewards_cost", "cost_points > 0");
            t.HasCheckConstraint("ck_rewards_stock", "stock IS NULL OR stock >= 0");
            t.HasCheckConstraint("ck_rewards_limit", "per_customer_limit IS NULL OR per_customer_limit > 0");
            t.HasCheckConstraint("ck_rewards_value", "(kind = 'Voucher') = (value_cents IS NOT NULL AND value_cents > 0)");
            t.HasCheckConstraint("ck_rewards_claim_days", "claim_days BETWEEN 1 AND 365");
        });
        b.HasKey(r => new { r.TenantId, r.Id });
        b.HasOne<Tenant>().WithMany().HasForeignKey(r => r.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.Property(r => r.Name).HasMaxLength(120);
        b.Property(r => r.Description).HasMaxLength(1000);
        b.Property(r => r.ImageUrl).HasMaxLength(500);
        b.Property(r => r.Kind).HasConversion<string>().HasMaxLength(20);
        b.HasIndex(r => new { r.TenantId, r.ArchivedAt, r.CostPoints });
    }
}
