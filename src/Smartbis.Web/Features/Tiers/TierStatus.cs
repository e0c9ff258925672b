using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;

namespace Smartbis.Web.Features.Tiers;

/// <summary>
/// A member's level as the portal, the counter card and the API show it: the level and its perks, the qualifying amount
/// over the window, how far the next level is, and what is missing to keep the level at the next review.
/// </summary>
public sealed record TierStatus(
    string Level, int Rank, int MultiplierBps, string Perks, TierMeasure Measure, long Qualifying,
    string? NextLevel, long? ToNext, DateTimeOffset NextReview, long ToKeep, IReadOnlyList<TierLevel> Levels)
{
    /// <summary>Progress to the next level in percent (100 at the top level).</summary>
    public int ProgressPercent => ToNext is not { } missing || NextLevel is null ? 100
        : (int)Math.Clamp(100 * (Qualifying - Levels[Rank].Threshold) / Math.Max(1, Levels[Rank + 1].Threshold - Levels[Rank].Threshold), 0, 100);

    /// <summary>The customer's status, or null when the tenant has no active tiers.</summary>
    public static async Task<TierStatus?> ForCustomerAsync(SmartbisDb db, Guid customerId, DateTimeOffset now, CancellationToken ct = default)
    {
        if (await TiersInForce.ActiveAtAsync(db, now, ct) is not { } program) return null;
        var rank = program.Clamp(await db.Set<CustomerTier>().Where(t => t.CustomerId == customerId).Select(t => (int?)t.Rank).SingleOrDefaultAsync(ct) ?? 0);
        var qualifying = await TiersInForce.QualifyingAsync(db, program, customerId, TiersInForce.WindowStart(program, now), now, ct);
        // The time zone from the configuration cache (the same entry ChallengeProgress reads): no round trip on the portal home.
        var tenantId = db.Tenant.Require();
        var zone = TiersInForce.Zone(await db.CachedAsync(tenantId, "time-zone", () => db.Tenants.Where(t => t.Id == tenantId).Select(t => t.TimeZone).SingleAsync(ct)));
        var nextReview = TiersInForce.NextReview(program.ReviewPeriod, now, zone);
        var counting = await TiersInForce.QualifyingAsync(db, program, customerId, TiersInForce.WindowStart(program, nextReview), now, ct);
        var level = program.Levels[rank];
        var next = rank + 1 < program.Levels.Count ? program.Levels[rank + 1] : null;
        return new TierStatus(level.Name, rank, level.MultiplierBps, level.Perks, program.Measure, qualifying,
            next?.Name, next is null ? null : Math.Max(0, next.Threshold - qualifying), nextReview,
            Math.Max(0, level.Threshold - counting), program.Levels);
    }
}
