using Microsoft.EntityFrameworkCore;
using Npgsql;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Reporting;

/// <summary>
/// Keeps <see cref="DailyStats"/> equal to the ledger. Idempotent and incremental: it finds the earliest local day
/// touched by rows written since the last run (created_at watermark, less a safety lag for transactions that
/// committed late), deletes the roll-up from that day on and recomputes it from purchases, ledger entries and
/// customers in one transaction, with the business's <see cref="DailyBuyers"/>. A time zone change recomputes everything.
/// Runs from the recurring job (every few minutes), and from a page only when the job has not run for longer than that
/// (<see cref="CatchUpAsync"/>); concurrent runs of one tenant queue on the watermark row.
/// </summary>
public sealed class RollUpDailyStats(SmartbisDb db, TimeProvider clock)
{
    /// <summary>Rows committed up to this long after their created_at are still picked up by the next run.</summary>
    public static readonly TimeSpan Lag = TimeSpan.FromMinutes(10);

    /// <summary>Returns the first day recomputed, or null when nothing changed.</summary>
    public async Task<DateOnly?> ExecuteAsync(Guid tenantId, bool full = false, CancellationToken ct = default)
    {
        var tz = await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.TimeZone).SingleAsync(ct);
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO stats_watermarks (tenant_id, rolled_up_to, time_zone) VALUES ({tenantId}, {DateTimeOffset.UnixEpoch}, {tz}) ON CONFLICT DO NOTHING", ct);
        var mark = await db.StatsWatermarks.FromSqlInterpolated($"SELECT * FROM stats_watermarks WHERE tenant_id = {tenantId} FOR UPDATE")
            .IgnoreQueryFilters().AsNoTracking().SingleAsync(ct);
        full |= mark.TimeZone != tz || mark.RolledUpTo == DateTimeOffset.UnixEpoch;
        var since = full ? DateTimeOffset.UnixEpoch : mark.RolledUpTo - Lag;

        // The earliest local day any new row belongs to (a purchase by when it happened, the rest by when written).
        var from = await db.Database.SqlQuery<DateOnly?>($"""
            SELECT min(day) AS "Value" FROM (
              SELECT min((occurred_at AT TIME ZONE {tz})::date) AS day FROM purchases WHERE tenant_id = {tenantId} AND created_at >= {since}
              UNION ALL SELECT min((created_at AT TIME ZONE {tz})::date) FROM ledger_entries WHERE tenant_id = {tenantId} AND created_at >= {since}
              UNION ALL SELECT min((created_at AT TIME ZONE {tz})::date) FROM outbox_events WHERE tenant_id = {tenantId} AND created_at >= {since}
              UNION ALL SELECT min((joined_at AT TIME ZONE {tz})::date) FROM customers WHERE tenant_id = {tenantId} AND joined_at >= {since}
            ) d
            """).SingleAsync(ct);

        if (from is { } day)
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"DELETE FROM daily_stats WHERE tenant_id = {tenantId} AND day >= {day}", ct);
            await db.Database.ExecuteSqlRawAsync(RecomputeSql, [new NpgsqlParameter("t", tenantId), new NpgsqlParameter("tz", tz), new NpgsqlParameter("d", day)], ct);
            await db.Database.ExecuteSqlInterpolatedAsync($"DELETE FROM daily_buyers WHERE tenant_id = {tenantId} AND day >= {day}", ct);
            await db.Database.ExecuteSqlRawAsync(string.Format(BuyersSql, full ? AllPurchases : PurchasesOfRecentBuyers), [new NpgsqlParameter("t", tenantId), new NpgsqlParameter("tz", tz), new NpgsqlParameter("d", day)], ct);
        }
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE stats_watermarks SET rolled_up_to = {now}, time_zone = {tz} WHERE tenant_id = {tenantId}", ct);
        await tx.CommitAsync(ct);
        return from;
    }

    /// <summary>How old the roll-up may be before a page brings it up to date itself (the job runs every 5 minutes).</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(6);

    /// <summary>
    /// For the pages: rolls up only when the recurring job has not done so within <see cref="MaxAge"/> (a new tenant, a
    /// stopped job), so a page load normally writes nothing and costs nothing. Returns when the figures are as of.
    /// </summary>
    public async Task<DateTimeOffset> CatchUpAsync(Guid tenantId, CancellationToken ct = default)
    {
        var mark = await db.StatsWatermarks.AsNoTracking().Where(w => w.TenantId == tenantId)
            .Select(w => new { w.RolledUpTo, w.TimeZone }).SingleOrDefaultAsync(ct);
        var tz = await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.TimeZone).SingleAsync(ct);
        var now = clock.GetUtcNow();
        if (mark is not null && mark.TimeZone == tz && now - mark.RolledUpTo <= MaxAge) return mark.RolledUpTo;
        await ExecuteAsync(tenantId, ct: ct);
        return now;
    }

    /// <summary>Every tenant, for the recurring job (each in its own scope and transaction).</summary>
    public static async Task RunForAllTenantsAsync(IServiceScopeFactory scopes, CancellationToken ct = default)
    {
        List<Guid> ids;
        await using (var scope = scopes.CreateAsyncScope())
            ids = await scope.ServiceProvider.GetRequiredService<SmartbisDb>().Tenants.Select(t => t.Id).ToListAsync(ct);
        foreach (var id in ids)
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(id);
            await scope.ServiceProvider.GetRequiredService<RollUpDailyStats>().ExecuteAsync(id, ct: ct);
        }
    }

    // Every purchase of the business from day @d on, with the local days of the same customer's purchase one and two
    // before it. {0}: the purchases read: all of them (a full run), or, for each customer who bought from @d on, those
    // from @d on and the two before (index range scans on (tenant, customer, occurred_at); OFFSET 0 keeps them per customer).
    private const string BuyersSql = """
        INSERT INTO daily_buyers (tenant_id, day, back, since_day, purchases)
        SELECT x.tenant_id, day, v.back, v.since, count(*)
        FROM (
          SELECT tenant_id, day, lag(day, 1, DATE '0001-01-01') OVER w AS prev1, lag(day, 2, DATE '0001-01-01') OVER w AS prev2
          FROM (SELECT p.tenant_id, p.customer_id, p.occurred_at, p.id, (p.occurred_at AT TIME ZONE @tz)::date AS day FROM {0}) h
          WINDOW w AS (PARTITION BY customer_id ORDER BY occurred_at, id)
        ) x
        CROSS JOIN LATERAL (VALUES (1::smallint, x.prev1), (2::smallint, x.prev2)) v(back, since)
        WHERE x.day >= @d AND NOT (v.back = 2 AND v.since = DATE '0001-01-01')
        GROUP BY x.tenant_id, day, v.back, v.since
        """;

    private const string AllPurchases = "purchases p WHERE p.tenant_id = @t";

    private const string PurchasesOfRecentBuyers = """
        (SELECT DISTINCT customer_id FROM purchases WHERE tenant_id = @t AND occurred_at >= (@d::timestamp AT TIME ZONE @tz)) c
        CROSS JOIN LATERAL (
          (SELECT tenant_id, customer_id, occurred_at, id FROM purchases
           WHERE tenant_id = @t AND customer_id = c.customer_id AND occurred_at >= (@d::timestamp AT TIME ZONE @tz) OFFSET 0)
          UNION ALL
          (SELECT tenant_id, customer_id, occurred_at, id FROM purchases
           WHERE tenant_id = @t AND customer_id = c.customer_id AND occurred_at < (@d::timestamp AT TIME ZONE @tz)
           ORDER BY occurred_at DESC, id DESC LIMIT 2)
        ) p
        """;

    private const string EmptyStore = "'00000000-0000-0000-0000-000000000000'::uuid";

    // One pass per source, each grouped by (local day, store); entries take their store from their purchase.
    // tenant_id comes from the rows (all of @t), not the parameter, here and in BuyersSql: on a Citus cluster the whole
    // INSERT … SELECT then runs on the tenant's shard (docs/scaling.md); with a constant the coordinator would pull the
    // rows and COPY them into the shard, which row-level security refuses.
    private const string RecomputeSql = $"""
        INSERT INTO daily_stats (tenant_id, day, store_id, purchases, revenue_cents, earned_cents, bonus_cents, redeemed_cents,
            expired_cents, vouchers_issued, vouchers_issued_cents, vouchers_redeemed, vouchers_redeemed_cents,
            liability_delta_cents, new_members, referred_members)
        SELECT tenant_id, day, store_id, sum(purchases), sum(revenue), sum(earned), sum(bonus), sum(redeemed), sum(expired),
               sum(v_issued), sum(v_issued_cents), sum(v_redeemed), sum(v_redeemed_cents), sum(liability), sum(members), sum(referred)
        FROM (
          SELECT p.tenant_id, (p.occurred_at AT TIME ZONE @tz)::date AS day, p.store_id,
                 count(*) AS purchases, sum(p.amount_cents) AS revenue, 0 AS earned, 0 AS bonus, 0 AS redeemed, 0 AS expired,
                 0 AS v_issued, 0 AS v_issued_cents, 0 AS v_redeemed, 0 AS v_redeemed_cents, 0 AS liability, 0 AS members, 0 AS referred
          FROM purchases p
          WHERE p.tenant_id = @t AND p.occurred_at >= (@d::timestamp AT TIME ZONE @tz)
          GROUP BY 1, 2, 3
          UNION ALL
          SELECT e.tenant_id, (e.created_at AT TIME ZONE @tz)::date, coalesce(p.store_id, {EmptyStore}),
                 0, 0,
                 sum(CASE WHEN e.kind = 'Earn' THEN e.pending_delta_cents + e.available_delta_cents ELSE 0 END),
                 sum(CASE WHEN e.kind IN ('WelcomeBonus', 'BirthdayBonus', 'ReferralBonus', 'ChallengeBonus', 'CampaignBonus') THEN e.pending_delta_cents + e.available_delta_cents ELSE 0 END),
                 -- points spent on catalogue rewards count as redeemed, net of those given back when a claim expired unclaimed
                 sum(CASE WHEN e.kind IN ('Redeem', 'RewardRedeem', 'RewardReturn') THEN -e.available_delta_cents WHEN e.kind = 'VoucherRedeem' THEN -e.voucher_delta_cents ELSE 0 END),
                 sum(CASE WHEN e.kind = 'Expire' THEN -e.available_delta_cents WHEN e.kind = 'VoucherExpire' THEN -e.voucher_delta_cents ELSE 0 END),
                 count(*) FILTER (WHERE e.kind = 'VoucherIssue'),
                 sum(CASE WHEN e.kind = 'VoucherIssue' THEN e.voucher_delta_cents ELSE 0 END),
                 count(*) FILTER (WHERE e.kind = 'VoucherRedeem'),
                 sum(CASE WHEN e.kind = 'VoucherRedeem' THEN -e.voucher_delta_cents ELSE 0 END),
                 sum(e.pending_delta_cents + e.available_delta_cents + e.voucher_delta_cents),
                 0, 0
          FROM ledger_entries e
          LEFT JOIN purchases p ON p.tenant_id = e.tenant_id AND p.id = e.purchase_id
          WHERE e.tenant_id = @t AND e.created_at >= (@d::timestamp AT TIME ZONE @tz)
          GROUP BY 1, 2, 3
          UNION ALL
          SELECT c.tenant_id, (c.joined_at AT TIME ZONE @tz)::date, {EmptyStore},
                 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, count(*), count(c.referred_by_customer_id)
          FROM customers c
          WHERE c.tenant_id = @t AND c.joined_at >= (@d::timestamp AT TIME ZONE @tz)
          GROUP BY 1, 2
        ) x
        GROUP BY tenant_id, day, store_id
        """;
}
