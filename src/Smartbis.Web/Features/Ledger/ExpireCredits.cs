using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Vouchers;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Ledger;

/// <summary>
/// Expires what is left of available credits past their expiry, and issued vouchers past theirs. Per customer,
/// under the account lock, re-reading: safe to run twice or concurrently.
/// </summary>
public sealed class ExpireCredits(LedgerUnit unit)
{
    public sealed record Result(int LotsExpired, long LotCents, int VouchersExpired, long VoucherCents);

    public async Task<Result> ExecuteAsync(Guid tenantId, DateTimeOffset now, CancellationToken ct = default)
    {
        var total = new Result(0, 0, 0, 0);
        while (true)
        {
            var customers = await unit.RunAsync(tenantId, async db =>
                (await db.CreditLots.Where(l => l.Status == LotStatus.Available && l.ExpiresAt <= now && l.RemainingCents > 0).Select(l => l.CustomerId).Distinct().OrderBy(id => id).Take(500).ToListAsync(ct))
                .Union(await db.Vouchers.Where(v => v.Status == VoucherStatus.Issued && v.ExpiresAt <= now).Select(v => v.CustomerId).Distinct().OrderBy(id => id).Take(500).ToListAsync(ct))
                .ToList(), ct);
            if (customers.Count == 0) return total;
            foreach (var customerId in customers)
            {
                var r = await unit.RunAsync(tenantId, db => ExpireForAsync(db, customerId, now, ct), ct);
                total = new Result(total.LotsExpired + r.LotsExpired, total.LotCents + r.LotCents, total.VouchersExpired + r.VouchersExpired, total.VoucherCents + r.VoucherCents);
            }
        }
    }

    private static async Task<Result> ExpireForAsync(SmartbisDb db, Guid customerId, DateTimeOffset now, CancellationToken ct)
    {
        var books = new Books(db, now);
        var account = await books.LockAsync(customerId, ct);
        var (lotCount, lotCents) = await books.ExpireDueLotsAsync(account, ct);

        var vouchers = await db.Vouchers.Where(v => v.CustomerId == customerId && v.Status == VoucherStatus.Issued && v.ExpiresAt <= now).ToListAsync(ct);
        foreach (var v in vouchers)
        {
            v.Status = VoucherStatus.Expired;
            books.Post(account, EntryKind.VoucherExpire, $"Voucher {Codes.Display(v.Code)} expired unused", voucher: -v.ValueCents, voucherId: v.Id);
            books.Emit(Events.VoucherExpired, customerId, v.Id, new { voucherId = v.Id, valueCents = v.ValueCents });
        }
        await db.SaveChangesAsync(ct);
        return new Result(lotCount, lotCents, vouchers.Count, vouchers.Sum(v => v.ValueCents));
    }
}
