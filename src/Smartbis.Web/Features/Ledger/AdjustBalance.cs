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

    /// <param name="actor">Who adjusts, for the audit entry written in the same transaction (none for scripts and tests).</param>
    public Task<Idempotent<Balances>> ExecuteAsync(Request r, CancellationToken ct = default) => ExecuteAsync(r, null, ct);

    /// <summary>A deleted (LGPD-anonymized) account holds nothing and gets nothing: its balance was forfeited with the person's data.</summary>
    public static async Task RefuseDeletedAsync(Data.SmartbisDb db, Guid customerId, CancellationToken ct)
    {
        if (await db.Customers.AnyAsync(c => c.Id == customerId && c.Status == Customers.CustomerStatus.Anonymized, ct))
            throw new OperationFailed("customer_deleted", "customer_deleted", "customerId", 409);
    }

    public async Task<Idempotent<Balances>> ExecuteAsync(Request r, Audit.AuditActor? actor, CancellationToken ct = default)
    {
        var v = new Validation();
        Idempotency.ValidateKey(r.IdempotencyKey, v);
        v.Check(r.AmountCents != 0, "amountCents", "adjustment_zero");
        v.Check(Math.Abs(r.AmountCents) <= 100_000_000, "amountCents", "adjustment_too_large");
        v.Check(!string.IsNullOrWhiteSpace(r.Reason) && r.Reason.Length <= 300, "reason", "adjustment_reason_required");
        v.Check(!string.IsNullOrWhiteSpace(r.AuthorUserId), "authorUserId", "adjustment_author_required");
        v.ThrowIfInvalid();
        var write = new IdempotentWrite("app", r.IdempotencyKey, "adjust_balance", Idempotency.Hash(r with { IdempotencyKey = "" }));
        return await unit.RunOnceAsync(tenant.Require(), write, clock, async (db, now) =>
        {
            var books = new Books(db, now);
            var account = await books.LockAsync(r.CustomerId, ct);
            await RefuseDeletedAsync(db, r.CustomerId, ct);
            var before = Balances.Of(account);
            var rules = await RulesInForce.AtAsync(db, now, ct);
            var tenantRow = await db.Tenants.Where(t => t.Id == db.Tenant.Require()).Select(t => new { t.CurrencyCode, t.CurrencyName, t.Locale }).SingleAsync(ct);
            // The amount is in the program's unit: cents of cashback or whole points.
            RewardAmount amountOf(long value) => new(value, rules.RewardType, tenantRow.CurrencyName, tenantRow.CurrencyCode, tenantRow.Locale);
            if (r.AmountCents > 0)
            {
                books.Credit(account, EntryKind.Adjustment, r.AmountCents, r.Reason.Trim(), now, rules.ExpiryDays, ruleVersion: rules.Version, authorUserId: r.AuthorUserId,
                    text: EntryText.Note(r.Reason.Trim()));
            }
            else
            {
                var debit = -r.AmountCents;
                await books.ExpireDueLotsAsync(account, ct); // credit past its expiry cannot be taken either
                if (debit > account.AvailableCents)
                    throw new OperationFailed("insufficient_balance", "insufficient_available", "amountCents", values: new { available = amountOf(account.AvailableCents) });
                await books.ConsumeAvailableAsync(r.CustomerId, debit, ct);
                books.Post(account, EntryKind.Adjustment, r.Reason.Trim(), available: -debit, authorUserId: r.AuthorUserId, text: EntryText.Note(r.Reason.Trim()));
            }
            books.Emit(Events.BalanceAdjusted, r.CustomerId, null, new { amountCents = r.AmountCents, reason = r.Reason.Trim(), author = r.AuthorUserId });
            var result = Balances.Of(account);
            if (actor is not null)
            {
                var name = await db.Customers.Where(c => c.Id == r.CustomerId).Select(c => c.Name).SingleAsync(ct);
                Audit.RecordAudit.Add(db, actor, now, "balance.adjusted",
                    $"Balance of {name} adjusted by {RewardUnits.Format(r.AmountCents, rules.RewardType, tenantRow.CurrencyName, tenantRow.CurrencyCode, "en")}: {r.Reason.Trim()}", "customer", r.CustomerId,
                    before, result, values: new { customer = name, amount = r.AmountCents, reason = r.Reason.Trim() });
            }
            return result;
        }, ct);
    }
}
