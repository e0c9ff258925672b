using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Purchases;

/// <summary>
/// Refunds all or part of a purchase (docs/ledger.md, "Refunds"):
/// 1. the share of the refund that had been paid with cashback or a voucher comes back to the available balance;
/// 2. the cashback earned on the refunded share is reversed — from the purchase's own credit, then other pending
///    credit, then available; what was already spent becomes clawback, settled from future earnings.
/// Shares are cumulative (computed on the total refunded so far), so partial refunds that add up to the whole
/// reverse exactly what was earned: no cent created or lost by rounding.
/// </summary>
public sealed class RefundPurchase(LedgerUnit unit, TenantContext tenant, TimeProvider clock)
{
    /// <param name="Source">Who chose the idempotency key ("app", "counter", "api"): its namespace.</param>
    public sealed record Request(Guid PurchaseId, long AmountCents, string Reason, string IdempotencyKey, string? UserId = null, string Source = "app");

    public sealed record Result(Guid RefundId, Guid PurchaseId, long AmountCents, long ReversedEarnCents, long ReturnedCreditCents,
        long ClawbackCents, long MoneyToReturnCents, long RefundedTotalCents, Balances Balances);

    public const string Operation = "refund_purchase";

    /// <summary>Refunds once per idempotency key, in one transaction (<see cref="LedgerUnit.RunOnceAsync{T}"/>).</summary>
    public Task<Idempotent<Result>> ExecuteAsync(Request request, CancellationToken ct = default)
    {
        Validate(request);
        return unit.RunOnceAsync(tenant.Require(), Write(request), clock, (db, now) => RefundAsync(db, new Books(db, now), request, ct), ct);
    }

    public static IdempotentWrite Write(Request r) =>
        new(r.Source, r.IdempotencyKey, Operation, Idempotency.Hash(r with { IdempotencyKey = "", UserId = null }), 201);

    /// <summary>Refunds inside a caller's unit (the counter's, which adds its permission check, audit and flags to the same transaction).</summary>
    public static Task<Result> RefundInUnitAsync(SmartbisDb db, DateTimeOffset now, Request r, CancellationToken ct)
    {
        Validate(r);
        return RefundAsync(db, new Books(db, now), r, ct);
    }

    private static void Validate(Request r)
    {
        var v = new Validation();
        Idempotency.ValidateKey(r.IdempotencyKey, v);
        v.Check(r.AmountCents > 0, "amountCents", "refund_amount_required");
        v.Check(!string.IsNullOrWhiteSpace(r.Reason) && r.Reason.Length <= 300, "reason", "reason_required");
        v.ThrowIfInvalid();
    }

    private static async Task<Result> RefundAsync(SmartbisDb db, Books books, Request r, CancellationToken ct)
    {
        var customerId = await db.Purchases.Where(p => p.Id == r.PurchaseId).Select(p => (Guid?)p.CustomerId).SingleOrDefaultAsync(ct)
                         ?? throw new OperationFailed("not_found", "purchase_not_found", "purchaseId", 404);
        var account = await books.LockAsync(customerId, ct);
        var p = await db.Purchases.SingleAsync(x => x.Id == r.PurchaseId, ct); // read under the lock: refunds of one purchase are serialized
        var refundable = p.AmountCents - p.RefundedCents;
        if (r.AmountCents > refundable)
            throw new OperationFailed("over_refund", "over_refund", "amountCents", values: new { refundable = new Amount(refundable) });

        var refundedTotal = p.RefundedCents + r.AmountCents;
        var reverse = Money.DivideHalfUp((Int128)p.EarnedCents * refundedTotal, p.AmountCents) - p.ReversedEarnCents;
        var creditPaid = p.PaidWithCashbackCents + p.PaidWithVoucherCents;
        var giveBack = Money.DivideHalfUp((Int128)creditPaid * refundedTotal, p.AmountCents) - p.ReturnedCreditCents;
        var rules = await RulesInForce.AtAsync(db, books.Now, ct);
        var reason = r.Reason.Trim();

        // 1. Give back the cashback/voucher value that paid for the refunded part, as available credit.
        if (giveBack > 0)
            books.Credit(account, EntryKind.RefundCredit, giveBack, "Cashback returned for a refunded purchase", books.Now, rules.ExpiryDays,
                purchaseId: p.Id, ruleVersion: rules.Version, authorUserId: r.UserId, text: EntryText.RefundCredit);
        await db.SaveChangesAsync(ct); // so the lot queries below see the credit just given back

        // 2. Reverse the cashback earned on the refunded part.
        var left = reverse;
        var pendingLots = await db.CreditLots.Where(l => l.CustomerId == customerId && l.Status == LotStatus.Pending && l.RemainingCents > 0)
            .ToListAsync(ct);
        var ordered = pendingLots.OrderByDescending(l => l.PurchaseId == p.Id).ThenByDescending(l => l.CreatedAt)
            .Concat((await books.AvailableLotsAsync(customerId, ct)).OrderByDescending(l => l.PurchaseId == p.Id));
        foreach (var lot in ordered)
        {
            if (left == 0) break;
            var take = Math.Min(left, lot.RemainingCents);
            var wasPending = lot.Status == LotStatus.Pending;
            lot.RemainingCents -= take;
            if (lot.RemainingCents == 0) lot.Status = LotStatus.Reversed;
            books.Post(account, EntryKind.Reverse, $"Cashback reversed: purchase refunded ({reason})",
                pending: wasPending ? -take : 0, available: wasPending ? 0 : -take, purchaseId: p.Id, lot: lot, authorUserId: r.UserId,
                text: EntryText.Reverse(reason));
            left -= take;
        }
        if (left > 0)
            books.Post(account, EntryKind.Reverse, $"Cashback already used on a refunded purchase, settled from future cashback ({reason})",
                clawback: left, purchaseId: p.Id, authorUserId: r.UserId, text: EntryText.ReverseOwed(reason));

        p.RefundedCents = refundedTotal;
        p.ReversedEarnCents += reverse;
        p.ReturnedCreditCents += giveBack;
        var refund = new PurchaseRefund
        {
            PurchaseId = p.Id, AmountCents = r.AmountCents, ReversedEarnCents = reverse, ReturnedCreditCents = giveBack, ClawbackCents = left,
            Reason = reason, UserId = r.UserId, CreatedAt = books.Now,
        };
        db.PurchaseRefunds.Add(refund);
        books.Emit(Events.PurchaseRefunded, customerId, p.Id, new
        {
            purchaseId = p.Id, refundId = refund.Id, amountCents = r.AmountCents, reversedEarnCents = reverse, returnedCreditCents = giveBack, clawbackCents = left,
        });
        await db.SaveChangesAsync(ct);
        return new Result(refund.Id, p.Id, r.AmountCents, reverse, giveBack, left, r.AmountCents - giveBack, refundedTotal, Balances.Of(account));
    }
}
