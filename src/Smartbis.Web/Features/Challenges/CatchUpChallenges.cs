using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;

namespace Smartbis.Web.Features.Challenges;

/// <summary>
/// The job that catches up what no purchase decided (purchases imported, recorded before the challenge was created or
/// saved while it was being edited): for every challenge whose box started and ended at most <see cref="Grace"/> ago, every
/// customer who bought in it and has no award yet is checked, each in a transaction of their own with their account locked
/// (<see cref="CompleteChallenges"/>: exactly once against a purchase completing it at the same moment).
/// </summary>
public sealed class CatchUpChallenges(LedgerUnit unit, TimeProvider clock)
{
    public static readonly TimeSpan Grace = TimeSpan.FromDays(7);

    public async Task<int> ExecuteAsync(Guid tenantId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var todo = await unit.RunAsync(tenantId, async db =>
        {
            var zone = Tiers.TiersInForce.Zone(await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.TimeZone).SingleAsync(ct));
            var found = new List<(Guid Challenge, Guid Customer)>();
            foreach (var c in await db.Set<Challenge>().AsNoTracking().ToListAsync(ct))
            {
                var (starts, ends) = c.Window(zone);
                if (starts > now || ends < now - Grace) continue;
                var buyers = db.Purchases.Where(p => p.OccurredAt >= starts && p.OccurredAt < ends);
                if (c.StoreId is { } storeId) buyers = buyers.Where(p => p.StoreId == storeId);
                var ids = await buyers.Select(p => p.CustomerId).Distinct()
                    .Where(id => !db.Set<ChallengeAward>().Any(a => a.ChallengeId == c.Id && a.CustomerId == id)).ToListAsync(ct);
                found.AddRange(ids.Select(id => (c.Id, id)));
            }
            return found;
        }, ct);

        var awarded = 0;
        foreach (var (challengeId, customerId) in todo)
            if (await AwardIfCompleteAsync(tenantId, challengeId, customerId, ct)) awarded++;
        return awarded;
    }

    /// <summary>One customer, one challenge: lock the account, then decide (a purchase holding the lock decides first).</summary>
    public Task<bool> AwardIfCompleteAsync(Guid tenantId, Guid challengeId, Guid customerId, CancellationToken ct = default) =>
        unit.RunAsync(tenantId, async db =>
        {
            var now = clock.GetUtcNow();
            var books = new Books(db, now);
            var account = await books.LockAsync(customerId, ct);
            if (await db.Set<ChallengeAward>().AnyAsync(a => a.ChallengeId == challengeId && a.CustomerId == customerId, ct)) return false;
            var c = await db.Set<Challenge>().AsNoTracking().SingleAsync(x => x.Id == challengeId, ct);
            var zone = Tiers.TiersInForce.Zone(await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.TimeZone).SingleAsync(ct));
            var customer = await db.Customers.AsNoTracking().SingleAsync(x => x.Id == customerId, ct);
            if (customer.Status != Customers.CustomerStatus.Active) return false;
            if (await ChallengeProgress.OfAsync(db, c, zone, customerId, null, ct) < c.Target) return false;
            var rules = await RulesInForce.AtAsync(db, now, ct);
            CompleteChallenges.Award(books, account, c, rules, null);
            await db.SaveChangesAsync(ct);
            return true;
        }, ct);
}
