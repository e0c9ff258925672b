using Microsoft.EntityFrameworkCore;
using Npgsql;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Ledger;

namespace Smartbis.Web.Features.Segments;

/// <summary>
/// The nightly RFM assignment of one tenant: one set-based upsert of every member's segment into customer_segments
/// (purchases aggregated per customer within the tenant; a row is rewritten only when something in it changed, and
/// "since" kept while the member stays), the rows of customers who are no longer members removed, and the day's
/// sizes written to segment_snapshots. Every statement names the tenant, so on a Citus cluster it runs on the
/// tenant's shard. Idempotent: a second run the same day finds nothing to change and rewrites the day's snapshot.
/// </summary>
public sealed class AssignSegments(LedgerUnit unit, TimeProvider clock)
{
    public sealed record Result(int Changed, IReadOnlyDictionary<SegmentKind, int> Sizes);

    public async Task<Result> ExecuteAsync(Guid tenantId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        return await unit.RunAsync(tenantId, async db =>
        {
            db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
            var s = await SegmentRules.SettingsAsync(db, ct);
            var zoneId = await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.TimeZone).SingleAsync(ct);
            var zone = TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var z) ? z : TimeZoneInfo.Utc;
            var localNow = TimeZoneInfo.ConvertTime(now, zone);
            var day = DateOnly.FromDateTime(localNow.DateTime);
            var dayStart = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), zone.GetUtcOffset(day.ToDateTime(TimeOnly.MinValue))).ToUniversalTime();
            var (windowStart, newSince, atRiskBefore, lostBefore) =
                (now.AddDays(-s.WindowDays), now.AddDays(-s.NewDays), now.AddDays(-s.AtRiskDays), now.AddDays(-s.LostDays));
            var active = CustomerStatus.Active.ToString();
            NpgsqlParameter[] Parameters() =>
            [
                new("t", tenantId), new("window_start", windowStart), new("new_since", newSince), new("lost_before", lostBefore),
                new("at_risk_before", atRiskBefore), new("loyal_purchases", s.LoyalPurchases), new("loyal_spend", s.LoyalSpendCents),
                new("active", active), new("now", now),
            ];
            // One statement: the members' segments worked out once, and only the rows that differ written, so the rows it
            // reports are the changes (Citus reports every row an INSERT … ON CONFLICT considered, also one its WHERE skips).
            var changed = await db.Database.ExecuteSqlRawAsync(Decided + UpsertChangedSql, Parameters(), ct);
            changed += await db.Database.ExecuteSqlInterpolatedAsync($"""
                DELETE FROM customer_segments cs USING customers c
                WHERE cs.tenant_id = {tenantId} AND c.tenant_id = {tenantId} AND c.id = cs.customer_id
                  AND (c.joined_at IS NULL OR c.status <> {active})
                """, ct);
            // The day's sizes (a re-run the same day replaces them).
            await db.Database.ExecuteSqlInterpolatedAsync($"DELETE FROM segment_snapshots WHERE tenant_id = {tenantId} AND day = {day}", ct);
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO segment_snapshots (tenant_id, day, segment, members, entered)
                SELECT tenant_id, {day}, segment, count(*)::int, (count(*) FILTER (WHERE since >= {dayStart}))::int
                FROM customer_segments WHERE tenant_id = {tenantId}
                GROUP BY tenant_id, segment
                """, ct);
            var sizes = await db.Set<SegmentSnapshot>().Where(x => x.Day == day).ToDictionaryAsync(x => x.Segment, x => x.Members, ct);
            return new Result(changed, sizes);
        }, ct);
    }

    /// <summary>Each member's segment now (parameters: t, window_start, new_since, lost_before, at_risk_before, loyal_purchases, loyal_spend, active).</summary>
    private const string Decided = """
        WITH stats AS (
            SELECT p.tenant_id, p.customer_id, max(p.occurred_at) AS last_at,
                   count(*) FILTER (WHERE p.occurred_at > @window_start) AS n,
                   coalesce(sum(p.amount_cents - p.refunded_cents) FILTER (WHERE p.occurred_at > @window_start), 0) AS spent
            FROM purchases p
            WHERE p.tenant_id = @t AND p.refunded_cents < p.amount_cents
            GROUP BY p.tenant_id, p.customer_id
        ), decided AS (
            SELECT c.tenant_id, c.id AS customer_id, st.last_at, coalesce(st.n, 0)::int AS n, coalesce(st.spent, 0)::bigint AS spent,
                   CASE WHEN c.joined_at > @new_since THEN 'New'
                        WHEN coalesce(st.last_at, c.joined_at) <= @lost_before THEN 'Lost'
                        WHEN coalesce(st.last_at, c.joined_at) <= @at_risk_before THEN 'AtRisk'
                        WHEN coalesce(st.n, 0) >= @loyal_purchases AND coalesce(st.spent, 0) >= @loyal_spend THEN 'Loyal'
                        ELSE 'Active' END AS segment
            FROM customers c
            LEFT JOIN stats st ON st.tenant_id = c.tenant_id AND st.customer_id = c.id
            WHERE c.tenant_id = @t AND c.joined_at IS NOT NULL AND c.status = @active
        )
        """;

    /// <summary>The members whose row is new or differs, written ("since" kept while the member stays).</summary>
    private const string UpsertChangedSql = """
        , changes AS (
            SELECT d.* FROM decided d
            LEFT JOIN customer_segments cs ON cs.tenant_id = d.tenant_id AND cs.customer_id = d.customer_id
            WHERE cs.customer_id IS NULL OR cs.segment IS DISTINCT FROM d.segment OR cs.last_purchase_at IS DISTINCT FROM d.last_at
               OR cs.purchases_in_window IS DISTINCT FROM d.n OR cs.spent_in_window_cents IS DISTINCT FROM d.spent
        )
        INSERT INTO customer_segments AS cs (tenant_id, customer_id, segment, since, assigned_at, last_purchase_at, purchases_in_window, spent_in_window_cents)
        SELECT c.tenant_id, c.customer_id, c.segment, @now, @now, c.last_at, c.n, c.spent FROM changes c
        ON CONFLICT (tenant_id, customer_id) DO UPDATE SET
            since = CASE WHEN cs.segment = excluded.segment THEN cs.since ELSE excluded.since END,
            segment = excluded.segment, assigned_at = excluded.assigned_at, last_purchase_at = excluded.last_purchase_at,
            purchases_in_window = excluded.purchases_in_window, spent_in_window_cents = excluded.spent_in_window_cents
        """;
}
