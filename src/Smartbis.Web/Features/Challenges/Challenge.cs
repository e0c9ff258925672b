using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Challenges;

/// <summary>What completes a challenge.</summary>
public enum ChallengeKind
{
    /// <summary>At least <see cref="Challenge.Target"/> purchases (not fully refunded) in the time box.</summary>
    PurchaseCount,
    /// <summary>At least <see cref="Challenge.Target"/> cents spent (less refunds) in the time box.</summary>
    Spend,
    /// <summary>A first purchase ever at <see cref="Challenge.StoreId"/>, made in the time box.</summary>
    FirstPurchaseAtStore,
}

/// <summary>
/// A time-boxed goal that rewards a bonus once per customer ("3 purchases in May: +R$ 10,00"). The box is whole local days
/// of the tenant's time zone, from the start of <see cref="StartsOn"/> to the end of <see cref="EndsOn"/> (or when it was
/// ended early). Optionally limited to one store.
/// </summary>
public sealed class Challenge : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public ChallengeKind Kind { get; set; }
    /// <summary>Purchases (PurchaseCount), cents (Spend), 1 (FirstPurchaseAtStore).</summary>
    public long Target { get; set; }
    public Guid? StoreId { get; set; }
    public DateOnly StartsOn { get; set; }
    public DateOnly EndsOn { get; set; }
    /// <summary>The bonus in the program's unit: cents of cashback or points.</summary>
    public long Bonus { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>The time box in UTC: [start of StartsOn, end of EndsOn) in the zone, cut short by an early end.</summary>
    public (DateTimeOffset Starts, DateTimeOffset Ends) Window(TimeZoneInfo zone)
    {
        var starts = LocalMidnight(StartsOn, zone);
        var ends = LocalMidnight(EndsOn.AddDays(1), zone);
        if (EndedAt is { } ended && ended < ends) ends = ended < starts ? starts : ended;
        return (starts, ends);
    }

    public bool IsRunning(DateTimeOffset now, TimeZoneInfo zone)
    {
        var (s, e) = Window(zone);
        return now >= s && now < e;
    }

    public static DateTimeOffset LocalMidnight(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }
}

/// <summary>A challenge's bonus granted to a customer: at most one per (challenge, customer), by its key.</summary>
public sealed class ChallengeAward : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid ChallengeId { get; set; }
    public Guid CustomerId { get; set; }
    /// <summary>The purchase that completed it (null when the catch-up job awarded it).</summary>
    public Guid? PurchaseId { get; set; }
    public long Bonus { get; set; }
    public DateTimeOffset AwardedAt { get; set; }
}

public sealed class ChallengeConfiguration : IEntityTypeConfiguration<Challenge>
{
    public void Configure(EntityTypeBuilder<Challenge> b)
    {
        b.ToTable("challenges", t =>
        {
            t.HasCheckConstraint("ck_challenges_target", "target > 0");
            t.HasCheckConstraint("ck_challenges_bonus", "bonus > 0");
            t.HasCheckConstraint("ck_challenges_dates", "ends_on >= starts_on");
        });
        b.HasKey(c => new { c.TenantId, c.Id });
        b.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Store>().WithMany().HasForeignKey(c => new { c.TenantId, c.StoreId }).OnDelete(DeleteBehavior.Restrict);
        b.Property(c => c.Name).HasMaxLength(80);
        b.Property(c => c.Description).HasMaxLength(300);
        b.Property(c => c.Kind).HasConversion<string>().HasMaxLength(30);
        b.HasIndex(c => new { c.TenantId, c.EndsOn });
    }
}

public sealed class ChallengeAwardConfiguration : IEntityTypeConfiguration<ChallengeAward>
{
    public void Configure(EntityTypeBuilder<ChallengeAward> b)
    {
        b.ToTable("challenge_awards");
        b.HasKey(a => new { a.TenantId, a.ChallengeId, a.CustomerId });
        b.HasOne<Challenge>().WithMany().HasForeignKey(a => new { a.TenantId, a.ChallengeId }).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Customer>().WithMany().HasForeignKey(a => new { a.TenantId, a.CustomerId }).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(a => new { a.TenantId, a.CustomerId });
    }
}
