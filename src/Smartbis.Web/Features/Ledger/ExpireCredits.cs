using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Vouchers;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Ledger;

/// <summary>
/// Expires what is left of available credits past their expiry (each lot, the one that expired first first), and issued
/// vouchers past theirs. A batch of customers per transaction: their accounts locked in customer order, what is due
/// re-read after the locks, one save. Safe to run twice or concurrently: the second run waits, then finds nothing due.
/// </summary>
public sealed class ExpireCredits(LedgerUnit unit)
{
    public sealed record Result(int LotsExpired, long LotCents, int VouchersExpired, long VoucherCents);

    // Customers per transaction: few enough that a purchase never waits long on a locked account.
    private const int Batch = 200;

    public async Task<Result> ExecuteAsync(Guid tenantId, DateTimeOffset now, CancellationToken ct = default)
    {
        var total = new Result(0, 0, 0, 0);
        while (true)
        {
            var customers = await unit.RunAsync(tenantId, async db =>
                (await db.CreditLots.Where(l => l.Status == LotStatus.Available && l.ExpiresAt <= now && l.RemainingCents > 0).Select(l => l.CustomerId).Distinct().OrderBy(id => id).Take(Batch * 10).ToListAsync(ct))
                .Union(await db.Vouchers.Where(v => v.Status == VoucherStatus.Issued && v.ExpiresAt <= now).Select(v => v.CustomerId).Distinct().OrderBy(id => id).Take(Batch * 10).ToListAsync(ct))
                .Order().ToList(), ct);
            if (customers.Count == 0) return total;
            foreach (var batch in customers.Chunk(Batch))
            {
                var r = await unit.RunAsync(tenantId, db => ExpireForAsync(db, batch, now, ct), ct);
                total = new Result(total.LotsExpired + r.LotsExpired, total.LotCents + r.LotCents, total.VouchersExpired + r.VouchersExpired, total.VoucherCents + r.VoucherCents);
            }
        }
    }

    private static async Task<Result> ExpireForAsync(SmartbisDb db, Guid[] customerIds, DateTimeOffset now, CancellationToken ct)
    {
        var books = new Books(db, now);
        var accounts = await BatchLock.AccountsAsync(db, customerIds, ct);
        // The same entries as Books.ExpireDueLotsAsync, for the whole batch at once.
        var lots = await db.CreditLots
            .Where(l => customerIds.Contains(l.CustomerId) && l.Status == LotStatus.Available && l.ExpiresAt <= now && l.RemainingCents > 0)
            .OrderBy(l => l.CustomerId).ThenBy(l => l.ExpiresAt).ToListAsync(ct);
        var lotCents = lots.Sum(l => l.RemainingCents);
        foreach (var lot in lots)
        {
            books.Post(accounts[lot.CustomerId], EntryKind.Expire, $"Cashback credited on {lot.CreatedAt:yyyy-MM-dd} expired", available: -lot.RemainingCents,
                purchaseId: lot.PurchaseId, lot: lot, text: EntryText.Expire(lot.CreatedAt));
            books.Emit(Events.CashbackExpired, lot.CustomerId, lot.Id, new { lotId = lot.Id, amountCents = lot.RemainingCents });
            lot.RemainingCents = 0;
            lot.Status = LotStatus.Expired;
        }

        var vouchers = await db.Vouchers.Where(v => customerIds.Contains(v.CustomerId) && v.Status == VoucherStatus.Issued && v.ExpiresAt <= now)
            .OrderBy(v => v.CustomerId).ThenBy(v => v.ExpiresAt).ToListAsync(ct);
        foreach (var v in vouchers)
        {
            v.Status = VoucherStatus.Expired;
            books.Post(accounts[v.CustomerId], EntryKind.VoucherExpire, $"Voucher {Codes.Display(v.Code)} expired unused", voucher: -v.ValueCents, voucherId: v.Id,
                text: EntryText.VoucherExpire(v.Code));
            books.Emit(Events.VoucherExpired, v.CustomerId, v.Id, new { voucherId = v.Id, valueCents = v.ValueCents });
        }
        await db.SaveChangesAsync(ct);
        return new Result(lots.Count, lotCents, vouchers.Count, vouchers.Sum(v => v.ValueCents));
    }
}
