using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;

namespace Smartbis.Web.Features.Ledger;

/// <summary>
/// Moves credits whose pending period is over from pending to available, one entry per lot. Each customer
/// is handled in its own transaction under the account lock, re-reading the lots: running twice or
/// concurrently releases each lot once.
/// </summary>
public sealed class ReleasePendingCredits(LedgerUnit unit)
{
    public async Task<int> ExecuteAsync(Guid tenantId, DateTimeOffset now, CancellationToken ct = default)
    {
        var released = 0;
        while (true)
        {
            var customers = await unit.RunAsync(tenantId, db => db.CreditLots
                .Where(l => l.Status == LotStatus.Pending && l.AvailableAt <= now)
                .Select(l => l.CustomerId).Distinct().OrderBy(id => id).Take(500).ToListAsync(ct), ct);
            if (customers.Count == 0) return released;
            foreach (var customerId in customers)
                released += await unit.RunAsync(tenantId, db => ReleaseForAsync(db, customerId, now, ct), ct);
        }
    }

    private static async Task<int> ReleaseForAsync(SmartbisDb db, Guid customerId, DateTimeOffset now, CancellationToken ct)
    {
        var books = new Books(db, now);
        var account = await books.LockAsync(customerId, ct);
        var due = await db.CreditLots.Where(l => l.CustomerId == customerId && l.Status == LotStatus.Pending && l.AvailableAt <= now)
            .OrderBy(l => l.AvailableAt).ToListAsync(ct);
        foreach (var lot in due)
        {
            lot.Status = lot.RemainingCents > 0 ? LotStatus.Available : LotStatus.Reversed;
            if (lot.RemainingCents == 0) continue;
            books.Post(account, EntryKind.Release, "Your cashback is now available to use", pending: -lot.RemainingCents, available: lot.RemainingCents,
                purchaseId: lot.PurchaseId, lot: lot);
            books.Emit(Events.CashbackAvailable, customerId, lot.Id, new { lotId = lot.Id, amountCents = lot.RemainingCents, expiresAt = lot.ExpiresAt, purchaseId = lot.PurchaseId });
        }
        await db.SaveChangesAsync(ct);
        return due.Count;
    }
}
