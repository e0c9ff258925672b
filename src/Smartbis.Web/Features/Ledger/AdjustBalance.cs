using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Ledger;

/// <summary>
/// A manual correction by a manager: a credit (new available lot) or a debit (from available, oldest-expiring
/// first). The reason and author are part of the entry, for the customer's history and the audit.
/// </summary>
public sealed class AdjustBalance(LedgerUnit unit, TenantContext tenant, TimeProvider clock)
{
    public sealed record Request(Guid CustomerId, long AmountCents, string Reason, string AuthorUserId, string IdempotencyKey);

    public async Task<Idempotent<Balances>> ExecuteAsync(Request r, CancellationToken ct = default)
    {
        var v = new Validation();
        Idempotency.ValidateKey(r.IdempotencyKey, v);
        v.Check(r.AmountCents != 0, "amountCents", "Enter an amount to add or remove (not zero).");
        v.Check(Math.Abs(r.AmountCents) <= 100_000_000, "amountCents", "The adjustment is too large.");
        v.Check(!string.IsNullOrWhiteSpace(r.Reason) && r.Reason.Length <= 300, "reason", "Say why (up to 300 characters): the customer sees it in their history.");
        v.Check(!string.IsNullOrWhiteSpace(r.AuthorUserId), "authorUserId", "An adjustment needs its author.");
        v.ThrowIfInvalid();
        var hash = Idempotency.Hash(r with { IdempotencyKey = "" });
        return await unit.RunAsync(tenant.Require(), async db =>
        {
            var now = clock.GetUtcNow();
            var replay = await Idempotency.ClaimAsync<Balances>(db, r.IdempotencyKey, "adjust_balance", hash, now, ct);
            if (replay is not null) return new Idempotent<Balances>(replay, true);
            var books = new Books(db, now);
            var account = await books.LockAsync(r.CustomerId, ct);
            if (r.AmountCents > 0)
            {
                var rules = await RulesInForce.AtAsync(db, now, ct);
                books.Credit(account, EntryKind.Adjustment, r.AmountCents, r.Reason.Trim(), now, rules.ExpiryDays, ruleVersion: rules.Version, authorUserId: r.AuthorUserId);
            }
            else
            {
                var debit = -r.AmountCents;
                await books.ExpireDueLotsAsync(account, ct); // credit past its expiry cannot be taken either
                if (debit > account.AvailableCents)
                    throw new OperationFailed("insufficient_balance", $"Only {Money.Format(account.AvailableCents)} is available to remove.", "amountCents");
                await books.ConsumeAvailableAsync(r.CustomerId, debit, ct);
                books.Post(account, EntryKind.Adjustment, r.Reason.Trim(), available: -debit, authorUserId: r.AuthorUserId);
            }
            books.Emit(Events.BalanceAdjusted, r.CustomerId, null, new { amountCents = r.AmountCents, reason = r.Reason.Trim(), author = r.AuthorUserId });
            await db.SaveChangesAsync(ct);
            var result = Balances.Of(account);
            await Idempotency.CompleteAsync(db, r.IdempotencyKey, result, 200, ct);
            return new Idempotent<Balances>(result, false);
        }, ct);
    }
}
