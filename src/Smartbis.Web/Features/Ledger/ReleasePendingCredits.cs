using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;

namespace Smartbis.Web.Features.Ledger;

/// <summary>
/// Moves credits whose pending period is over from pending to available, one entry per lot. Works a batch of
/// customers per transaction: their accounts locked (in customer order, so concurrent runs cannot deadlock), their
/// due lots re-read after the locks, every entry posted through <see cref="Books"/>, one save. Running twice or
/// concurrently releases each lot once: the second run waits for the locks and then finds nothing due.
/// </summary>
public sealed class ReleasePendingCredits(LedgerUnit unit)
{
    // Customers per transaction: few enough that a purchase never waits long on a locked account.
    private const int Batch = 200;

    public async Task<int> ExecuteAsync(Guid tenantId, DateTimeOffset now, CancellationToken ct = default)
    {
        var released = 0;
        while (true)
        {
            var customers = await unit.RunAsync(tenantId, db => db.CreditLots
                .Where(l => l.Status == LotStatus.Pending && l.AvailableAt <= now)
                .Select(l => l.CustomerId).Distinct().OrderBy(id => id).Take(Batch * 10).ToListAsync(ct), ct);
            if (customers.Count == 0) return released;
            foreach (var batch in customers.Chunk(Batch))
                released += await unit.RunAsync(tenantId, db => ReleaseForAsync(db, batch, now, ct), ct);
        }
    }

    private static async Task<int> ReleaseForAsync(SmartbisDb db, Guid[] customerIds, DateTimeOffset now, CancellationToken ct)
    {
        var books = new Books(db, now);
        var accounts = await BatchLock.AccountsAsync(db, customerIds, ct);
        var due = await db.CreditLots.Where(l => customerIds.Contains(l.CustomerId) && l.Status == LotStatus.Pending && l.AvailableAt <= now)
            .OrderBy(l => l.CustomerId).ThenBy(l => l.AvailableAt).ToListAsync(ct);
        foreach (var lot in due)
        {
            lot.Status = lot.RemainingCents > 0 ? LotStatus.Available : LotStatus.Reversed;
            if (lot.RemainingCents == 0) continue;
            books.Post(accounts[lot.CustomerId], EntryKind.Release, "Your cashback is now available to use", pending: -lot.RemainingCents, available: lot.RemainingCents,
                purchaseId: lot.PurchaseId, lot: lot, text: EntryText.Release);
            books.Emit(Events.CashbackAvailable, lot.CustomerId, lot.Id, new { lotId = lot.Id, amountCents = lot.RemainingCents, expiresAt = lot.ExpiresAt, purchaseId = lot.PurchaseId });
        }
        await db.SaveChangesAsync(ct);
        return due.Count;
    }
}
