using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;

namespace Smartbis.Web.Features.Ledger;

/// <summary>
/// The ledger's invariants, checked against the database for the current tenant. Tests run it after every
/// scenario; operators can run it any time. Returns the violations found (empty = books balance).
/// </summary>
public static class CheckLedger
{
    public static async Task<IReadOnlyList<string>> RunAsync(SmartbisDb db, CancellationToken ct = default)
    {
        var problems = new List<string>();
        var tenantId = db.Tenant.Require();

        // 1. Each bucket equals the sum of its entries.
        var sums = await db.Database.SqlQuery<BucketMismatch>($"""
            SELECT a.customer_id AS customer_id,
                   a.pending_cents AS pending, coalesce(e.pending, 0)::bigint AS pending_sum,
                   a.available_cents AS available, coalesce(e.available, 0)::bigint AS available_sum,
                   a.clawback_cents AS clawback, coalesce(e.clawback, 0)::bigint AS clawback_sum,
                   a.voucher_cents AS voucher, coalesce(e.voucher, 0)::bigint AS voucher_sum
            FROM accounts a
            LEFT JOIN (SELECT customer_id, sum(pending_delta_cents) pending, sum(available_delta_cents) available,
                              sum(clawback_delta_cents) clawback, sum(voucher_delta_cents) voucher
                       FROM ledger_entries WHERE tenant_id = {tenantId} GROUP BY customer_id) e ON e.customer_id = a.customer_id
            WHERE a.tenant_id = {tenantId}
              AND (a.pending_cents <> coalesce(e.pending, 0) OR a.available_cents <> coalesce(e.available, 0)
                OR a.clawback_cents <> coalesce(e.clawback, 0) OR a.voucher_cents <> coalesce(e.voucher, 0))
            """).ToListAsync(ct);
        problems.AddRange(sums.Select(s => $"Account {s.CustomerId}: stored {s.Pending}/{s.Available}/{s.Clawback}/{s.Voucher} ≠ entries {s.PendingSum}/{s.AvailableSum}/{s.ClawbackSum}/{s.VoucherSum} (pending/available/clawback/voucher)"));

        // 2. No bucket is negative (the check constraints enforce it; this says so in the report too).
        var negative = await db.Accounts.CountAsync(a => a.PendingCents < 0 || a.AvailableCents < 0 || a.ClawbackCents < 0 || a.VoucherCents < 0, ct);
        if (negative > 0) problems.Add($"{negative} accounts have a negative bucket");

        // 3. The lots hold exactly the pending and available balances.
        var lots = await db.Database.SqlQuery<LotMismatch>($"""
            SELECT a.customer_id AS customer_id, a.pending_cents AS pending, coalesce(l.pending, 0)::bigint AS lot_pending,
                   a.available_cents AS available, coalesce(l.available, 0)::bigint AS lot_available
            FROM accounts a
            LEFT JOIN (SELECT customer_id,
                              sum(remaining_cents) FILTER (WHERE status = 'Pending') pending,
                              sum(remaining_cents) FILTER (WHERE status = 'Available') available
                       FROM credit_lots WHERE tenant_id = {tenantId} GROUP BY customer_id) l ON l.customer_id = a.customer_id
            WHERE a.tenant_id = {tenantId}
              AND (a.pending_cents <> coalesce(l.pending, 0) OR a.available_cents <> coalesce(l.available, 0))
            """).ToListAsync(ct);
        problems.AddRange(lots.Select(l => $"Account {l.CustomerId}: lots hold {l.LotPending}/{l.LotAvailable} but balances are {l.Pending}/{l.Available} (pending/available)"));

        // 4. Every voucher's value is accounted for: issued ones hold their value, the others none.
        var vouchers = await db.Database.SqlQuery<VoucherMismatch>($"""
            SELECT v.id AS voucher_id, v.status AS status, v.value_cents AS value, coalesce(sum(e.voucher_delta_cents), 0)::bigint AS held
            FROM vouchers v LEFT JOIN ledger_entries e ON e.tenant_id = v.tenant_id AND e.voucher_id = v.id
            WHERE v.tenant_id = {tenantId}
            GROUP BY v.id, v.status, v.value_cents
            HAVING coalesce(sum(e.voucher_delta_cents), 0) <> CASE WHEN v.status = 'Issued' THEN v.value_cents ELSE 0 END
            """).ToListAsync(ct);
        problems.AddRange(vouchers.Select(v => $"Voucher {v.VoucherId} ({v.Status}, {v.Value}) holds {v.Held} in the ledger"));
        return problems;
    }

    private sealed record BucketMismatch(Guid CustomerId, long Pending, long PendingSum, long Available, long AvailableSum, long Clawback, long ClawbackSum, long Voucher, long VoucherSum);
    private sealed record LotMismatch(Guid CustomerId, long Pending, long LotPending, long Available, long LotAvailable);
    private sealed record VoucherMismatch(Guid VoucherId, string Status, long Value, long Held);
}
