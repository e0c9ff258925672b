using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Purchases;

namespace Smartbis.Web.Features.Challenges;

/// <summary>One customer's progress in one challenge, as the portal and the API show it.</summary>
public sealed record ChallengeProgress(
    Guid ChallengeId, string Name, string Description, ChallengeKind Kind, long Target, long Progress, long Bonus, Guid? StoreId,
    DateTimeOffset StartsAt, DateTimeOffset EndsAt, bool Awarded, DateTimeOffset? AwardedAt)
{
    public int Percent => (int)Math.Clamp(100 * Math.Min(Progress, Target) / Math.Max(1, Target), 0, 100);

    /// <summary>
    /// The one definition of progress: the customer's purchases in the time box (at the challenge's store, when it has one)
    /// — their number (not fully refunded), their spend less refunds, or 1 for a first purchase at the store (none there
    /// before the box). <paramref name="extra"/> is a purchase being recorded in the caller's transaction, not yet saved.
    /// </summary>
    public static async Task<long> OfAsync(SmartbisDb db, Challenge c, TimeZoneInfo zone, Guid customerId, Purchase? extra, CancellationToken ct)
    {
        var (starts, ends) = c.Window(zone);
        var inBox = db.Purchases.Where(p => p.CustomerId == customerId && p.OccurredAt >= starts && p.OccurredAt < ends);
        if (c.StoreId is { } storeId) inBox = inBox.Where(p => p.StoreId == storeId);
        var extraCounts = extra is not null && extra.OccurredAt >= starts && extra.OccurredAt < ends && (c.StoreId is null || extra.StoreId == c.StoreId);
        switch (c.Kind)
        {
            case ChallengeKind.PurchaseCount:
                return await inBox.CountAsync(p => p.RefundedCents < p.AmountCents, ct) + (extraCounts ? 1 : 0);
            case ChallengeKind.Spend:
                return await inBox.SumAsync(p => p.AmountCents - p.RefundedCents, ct) + (extraCounts ? extra!.AmountCents : 0);
            default:
                if (c.StoreId is not { } store) return 0;
                var before = await db.Purchases.AnyAsync(p => p.CustomerId == customerId && p.StoreId == store && p.OccurredAt < starts, ct);
                if (before) return 0;
                return extraCounts || await inBox.AnyAsync(ct) ? 1 : 0;
        }
    }

    /// <summary>The challenges a customer sees on the portal: running ones, and ended ones they completed in the last 30 days.</summary>
    public static async Task<List<ChallengeProgress>> ForCustomerAsync(SmartbisDb db, Guid customerId, DateTimeOffset now, CancellationToken ct = default)
    {
        // The time zone and the tenant's challenges come from the configuration cache (read on every portal home and API customer read).
        var tenantId = db.Tenant.Require();
        var zone = Tiers.TiersInForce.Zone(await db.CachedAsync(tenantId, "time-zone", () => db.Tenants.Where(t => t.Id == tenantId).Select(t => t.TimeZone).SingleAsync(ct)));
        var localToday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var all = await CompleteChallenges.ChallengesOfTenantAsync(db, ct);
        var candidates = all.Where(c => c.EndsOn >= localToday.AddDays(-30) && c.StartsOn <= localToday).ToList();
        if (candidates.Count == 0) return [];
        var awards = await db.Set<ChallengeAward>().AsNoTracking().Where(a => a.CustomerId == customerId).ToDictionaryAsync(a => a.ChallengeId, ct);
        var list = new List<ChallengeProgress>();
        foreach (var c in candidates)
        {
            var awarded = awards.GetValueOrDefault(c.Id);
            if (!c.IsRunning(now, zone) && awarded is null) continue;
            var (s, e) = c.Window(zone);
            var progress = awarded is not null ? c.Target : await OfAsync(db, c, zone, customerId, null, ct);
            list.Add(new ChallengeProgress(c.Id, c.Name, c.Description, c.Kind, c.Target, Math.Min(progress, c.Target), c.Bonus, c.StoreId, s, e,
                awarded is not null, awarded?.AwardedAt));
        }
        return list;
    }
}
