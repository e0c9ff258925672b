using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Tiers;

/// <summary>What qualifies a member for a level: the money they spent, or the points they earned on purchases.</summary>
public enum TierMeasure { Spend, PointsEarned }

/// <summary>How often members can go down a level (the review): the first day of each month, quarter or year, in the tenant's time zone.</summary>
public enum ReviewPeriod { Monthly, Quarterly, Yearly }

/// <summary>One level: reached when the qualifying amount over the window is at least <see cref="Threshold"/>.</summary>
public sealed class TierLevel
{
    public const int NoMultiplier = 10_000;

    public string Name { get; set; } = "";
    /// <summary>Cents of spend, or points earned (the program's <see cref="TierProgram.Measure"/>).</summary>
    public long Threshold { get; set; }
    /// <summary>Multiplies the earn rate: 10 000 = ×1, 12 500 = ×1.25.</summary>
    public int MultiplierBps { get; set; } = NoMultiplier;
    /// <summary>What the level gives, in the merchant's words, shown on the portal.</summary>
    public string Perks { get; set; } = "";
}

/// <summary>
/// One version of a tenant's tiers. Rows are never edited: saving writes the next version, in force from its
/// EffectiveFrom (like <see cref="Programs.ProgramRules"/>). A new version never moves anyone down by itself: members keep
/// their level until the next review (<see cref="ReviewTiers"/>).
/// </summary>
public sealed class TierProgram : ITenantOwned
{
    public Guid TenantId { get; set; }
    public int Version { get; set; }
    public DateTimeOffset EffectiveFrom { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? CreatedByUserId { get; set; }
    public bool Enabled { get; set; } = true;
    public TierMeasure Measure { get; set; }
    /// <summary>The rolling window the qualifying amount is summed over, in months.</summary>
    public int WindowMonths { get; set; } = 12;
    public ReviewPeriod ReviewPeriod { get; set; } = ReviewPeriod.Quarterly;
    /// <summary>Days before a review that members at risk of going down get the reminder; 0 = no reminder.</summary>
    public int ReminderDays { get; set; } = 14;
    /// <summary>Ascending thresholds; the first is 0 (every member has a level).</summary>
    public List<TierLevel> Levels { get; set; } = [];

    public bool IsActive => Enabled && Levels.Count > 0;

    /// <summary>The highest level whose threshold the amount reaches (0 when none but the first).</summary>
    public int RankFor(long qualifying)
    {
        var rank = 0;
        for (var i = 0; i < Levels.Count; i++)
            if (qualifying >= Levels[i].Threshold) rank = i;
        return rank;
    }

    /// <summary>A stored rank read against this version (a version with fewer levels keeps members at its top one).</summary>
    public int Clamp(int rank) => Math.Clamp(rank, 0, Math.Max(0, Levels.Count - 1));

    public TierLevel LevelAt(int rank) => Levels[Clamp(rank)];
}

public sealed class TierProgramConfiguration : IEntityTypeConfiguration<TierProgram>
{
    public void Configure(EntityTypeBuilder<TierProgram> b)
    {
        b.ToTable("tier_programs");
        b.HasKey(p => new { p.TenantId, p.Version });
        b.HasOne<Tenant>().WithMany().HasForeignKey(p => p.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(p => new { p.TenantId, p.EffectiveFrom });
        b.Property(p => p.Measure).HasConversion<string>().HasMaxLength(20);
        b.Property(p => p.ReviewPeriod).HasConversion<string>().HasMaxLength(20);
        b.Property(p => p.CreatedByUserId).HasMaxLength(450);
        b.OwnsMany(p => p.Levels, o => o.ToJson());
    }
}
