using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Vouchers;

/// <summary>
/// Turns available cashback into vouchers, per the rules in force: <c>threshold</c> — each time the available
/// balance reaches X, a voucher of X; <c>per_credit</c> — each available credit becomes a voucher of its value.
/// Only members who joined get vouchers (an unclaimed walk-in's credit waits for them). Safe to run twice or
/// concurrently: each customer is handled under their account lock, re-reading what is left to issue.
/// </summary>
public sealed class IssueVouchers(LedgerUnit unit)
{
    public sealed record Result(int VouchersIssued, long ValueCents);

    public async Task<Result> ExecuteAsync(Guid tenantId, DateTimeOffset now, CancellationToken ct = default)
    {
        var (mode, threshold, candidates) = await unit.RunAsync(tenantId, async db =>
        {
            var rules = await RulesInForce.AtAsync(db, now, ct);
            var ids = rules.VoucherMode switch
            {
                VoucherMode.Threshold => await db.Accounts.Where(a => a.AvailableCents >= rules.VoucherThresholdCents)
                    .Join(db.Customers.Where(c => c.JoinedAt != null && c.Status == Customers.CustomerStatus.Active), a => a.CustomerId, c => c.Id, (a, c) => c.Id)
                    .ToListAsync(ct),
                VoucherMode.PerCredit => await db.CreditLots.Where(l => l.Status == LotStatus.Available && l.RemainingCents > 0 && l.VoucherId == null)
                    .Join(db.Customers.Where(c => c.JoinedAt != null && c.Status == Customers.CustomerStatus.Active), l => l.CustomerId, c => c.Id, (l, c) => c.Id)
                    .Distinct().ToListAsync(ct),
                _ => [],
            };
            return (rules.VoucherMode, rules.VoucherThresholdCents, ids);
        }, ct);

        int count = 0; long value = 0;
        foreach (var customerId in candidates)
        {
            var (n, v) = await unit.RunAsync(tenantId, db => IssueForAsync(db, customerId, now, ct), ct);
            count += n; value += v;
        }
        return new Result(count, value);
    }

    private static async Task<(int, long)> IssueForAsync(SmartbisDb db, Guid customerId, DateTimeOffset now, CancellationToken ct)
    {
        var books = new Books(db, now);
        var account = await books.LockAsync(customerId, ct);
        await books.ExpireDueLotsAsync(account, ct); // expired credit never becomes a voucher, whatever order the jobs run in
        var rules = await RulesInForce.AtAsync(db, now, ct);
        var issued = new List<Voucher>();
        if (rules.VoucherMode == VoucherMode.Threshold && rules.VoucherThresholdCents > 0)
        {
            while (account.AvailableCents >= rules.VoucherThresholdCents)
            {
                await books.ConsumeAvailableAsync(customerId, rules.VoucherThresholdCents, ct);
                issued.Add(Issue(books, account, rules, rules.VoucherThresholdCents, null));
            }
        }
        else if (rules.VoucherMode == VoucherMode.PerCredit)
        {
            foreach (var lot in await books.AvailableLotsAsync(customerId, ct))
            {
                var voucher = Issue(books, account, rules, lot.RemainingCents, lot.Id);
                lot.RemainingCents = 0;
                lot.Status = LotStatus.Spent;
                lot.VoucherId = voucher.Id;
                issued.Add(voucher);
            }
        }
        await db.SaveChangesAsync(ct);
        return (issued.Count, issued.Sum(v => v.ValueCents));
    }

    private static Voucher Issue(Books books, Account account, ProgramRules rules, long valueCents, Guid? lotId)
    {
        var voucher = new Voucher
        {
            CustomerId = account.CustomerId, Code = Codes.New(12), ValueCents = valueCents, IssuedAt = books.Now,
            ExpiresAt = books.Now.AddDays(rules.VoucherValidityDays), SourceLotId = lotId,
        };
        books.Db.Vouchers.Add(voucher);
        books.Post(account, EntryKind.VoucherIssue, $"Voucher {Codes.Display(voucher.Code)} issued from your cashback",
            available: -valueCents, voucher: valueCents, voucherId: voucher.Id, ruleVersion: rules.Version,
            text: EntryText.VoucherIssue(voucher.Code));
        books.Emit(Events.VoucherIssued, account.CustomerId, voucher.Id, new { voucherId = voucher.Id, valueCents, expiresAt = voucher.ExpiresAt });
        return voucher;
    }
}
