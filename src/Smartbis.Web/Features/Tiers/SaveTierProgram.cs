using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Tiers;

/// <summary>
/// Saves the tiers as the next version (rows are never edited), in force at once, with its audit entry, in one
/// transaction. Nobody's level changes here: a member keeps their level until the next review (a raised threshold
/// never downgrades retroactively); a lowered one lifts members at their next purchase or at the review.
/// </summary>
public sealed class SaveTierProgram(SmartbisDb db, TenantContext tenant, TimeProvider clock)
{
    public const int MaxLevels = 6;
    public const int MaxMultiplierBps = 50_000;

    public sealed record Request(bool Enabled, TierMeasure Measure, int WindowMonths, ReviewPeriod ReviewPeriod, int ReminderDays, IReadOnlyList<TierLevel> Levels);

    public static Validation Validate(Request r)
    {
        var v = new Validation();
        v.Check(r.WindowMonths is >= 1 and <= 36, "WindowMonths", "tier_window_range", new { minimum = 1, maximum = 36 });
        v.Check(r.ReminderDays is >= 0 and <= 90, "ReminderDays", "tier_reminder_range", new { maximum = 90 });
        v.Check(!r.Enabled || r.Levels.Count >= 1, "Levels", "tier_levels_required");
        v.Check(r.Levels.Count <= MaxLevels, "Levels", "tier_levels_too_many", new { maximum = MaxLevels });
        for (var i = 0; i < r.Levels.Count; i++)
        {
            var l = r.Levels[i];
            v.Check(!string.IsNullOrWhiteSpace(l.Name) && l.Name.Trim().Length <= 40, $"Levels[{i}].Name", "tier_level_name");
            v.Check(r.Levels.Take(i).All(o => !string.Equals(o.Name.Trim(), l.Name.Trim(), StringComparison.OrdinalIgnoreCase)),
                $"Levels[{i}].Name", "tier_level_name_taken");
            v.Check(i > 0 || l.Threshold == 0, $"Levels[{i}].Threshold", "tier_first_threshold_zero");
            v.Check(i == 0 || l.Threshold > r.Levels[i - 1].Threshold, $"Levels[{i}].Threshold", "tier_threshold_order");
            v.Check(l.Threshold <= 1_000_000_000_00, $"Levels[{i}].Threshold", "tier_threshold_too_large");
            v.Check(l.MultiplierBps is >= TierLevel.NoMultiplier and <= MaxMultiplierBps, $"Levels[{i}].MultiplierBps", "tier_multiplier_range",
                new { maximum = MaxMultiplierBps / 10_000 });
            v.Check((l.Perks ?? "").Length <= 300, $"Levels[{i}].Perks", "tier_perks_too_long", new { maximum = 300 });
        }
        return v;
    }

    public async Task<TierProgram> ExecuteAsync(Request r, string? userId, AuditActor actor, CancellationToken ct = default)
    {
        Validate(r).ThrowIfInvalid();
        var tenantId = tenant.Require();
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // One saver at a time per tenant: the next version number is read and written under the lock.
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock(hashtextextended({"tiers:" + tenantId}, 0))", ct);
        var previous = await db.Set<TierProgram>().AsNoTracking().OrderByDescending(p => p.Version).FirstOrDefaultAsync(ct);
        var next = new TierProgram
        {
            TenantId = tenantId, Version = (previous?.Version ?? 0) + 1, EffectiveFrom = now, CreatedAt = now, CreatedByUserId = userId,
            Enabled = r.Enabled, Measure = r.Measure, WindowMonths = r.WindowMonths, ReviewPeriod = r.ReviewPeriod, ReminderDays = r.ReminderDays,
            Levels = r.Levels.Select(l => new TierLevel { Name = l.Name.Trim(), Threshold = l.Threshold, MultiplierBps = l.MultiplierBps, Perks = (l.Perks ?? "").Trim() }).ToList(),
        };
        db.Add(next);
        RecordAudit.Add(db, actor, now, "tiers.updated", $"Tiers saved as version {next.Version}", "tiers", next.Version,
            before: previous is null ? null : Describe(previous), after: Describe(next), values: new { version = next.Version });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return next;
    }

    private static object Describe(TierProgram p) => new
    {
        p.Enabled, measure = p.Measure.ToString(), p.WindowMonths, reviewPeriod = p.ReviewPeriod.ToString(), p.ReminderDays,
        levels = p.Levels.Select(l => new { l.Name, l.Threshold, l.MultiplierBps, l.Perks }),
    };
}
