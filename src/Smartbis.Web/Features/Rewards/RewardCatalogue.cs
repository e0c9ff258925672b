using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;

namespace Smartbis.Web.Features.Rewards;

/// <summary>
/// The catalogue as one customer sees it (portal, counter card): rewards not archived and not ended, each with its
/// availability (at the store, when one is given) and whether the customer reached its limit; and the points they can
/// spend now (available, less credit past its expiry that the job has not expired yet). Reads only.
/// </summary>
public static class RewardCatalogue
{
    public sealed record Item(Reward Reward, RewardAvailability Availability, bool LimitReached)
    {
        public bool CanRedeem(long spendable) => Availability == RewardAvailability.Available && !LimitReached && spendable >= Reward.CostPoints;
    }

    public sealed record View(bool IsPointsProgram, long Spendable, IReadOnlyList<Item> Items);

    public static async Task<View> ForCustomerAsync(SmartbisDb db, Guid customerId, DateTimeOffset now, Guid? storeId = null, CancellationToken ct = default)
    {
        if ((await RulesInForce.FindAtAsync(db, now, ct))?.RewardType != RewardType.Points) return new View(false, 0, []);
        var available = await db.Accounts.Where(a => a.CustomerId == customerId).Select(a => a.AvailableCents).SingleOrDefaultAsync(ct);
        var expired = await db.CreditLots.Where(l => l.CustomerId == customerId && l.Status == LotStatus.Available && l.ExpiresAt <= now)
            .SumAsync(l => l.RemainingCents, ct);
        var rewards = await db.Rewards.AsNoTracking().Where(r => r.ArchivedAt == null && (r.EndsAt == null || r.EndsAt > now))
            .OrderBy(r => r.CostPoints).ThenBy(r => r.Name).ToListAsync(ct);
        var mine = await db.RewardClaims.Where(c => c.CustomerId == customerId).GroupBy(c => c.RewardId)
            .Select(g => new { RewardId = g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.RewardId, x => x.Count, ct);
        var items = rewards.Select(r => new Item(r, r.AvailabilityAt(now, storeId), r.PerCustomerLimit is { } l && mine.GetValueOrDefault(r.Id) >= l)).ToList();
        return new View(true, Math.Max(0, available - expired), items);
    }
}
