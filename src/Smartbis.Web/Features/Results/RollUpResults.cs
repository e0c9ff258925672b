using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Results;

/// <summary>
/// Keeps the results page's roll-ups (<see cref="ResultCohort"/>, <see cref="ResultCohortMonth"/>, <see cref="ResultMonth"/>)
/// equal to purchases, ledger entries, messages and customers: one tenant at a time, in one transaction, recomputed whole
/// (a member's first 90 days and the "days since joining" move every night, so every cohort may change). Runs from the
/// nightly job, and from the page when the tenant's roll-up is older than <see cref="MaxAge"/> or was cut in another
/// time zone. Each statement reads one tenant's rows by (tenant_id, customer_id, …) indexes and writes rows whose tenant_id
/// comes from those rows: on a Citus cluster it runs on the tenant's shard.
/// </summary>
public sealed class RollUpResults(SmartbisDb db, TimeProvider clock)
{
    /// <summary>How long each member is followed after joining for purchases, revenue, ticket and cost.</summary>
    public const int WindowDays = 90;

    /// <summary>The page recomputes itself when the nightly job has not run for longer than this.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(26);

    /// <summary>How many months after joining the retention heat map follows.</summary>
    public const int MaxMonthOffset = 23;

    public async Task ExecuteAsync(Guid tenantId, CancellationToken ct = default)
    {
        var tz = await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.TimeZone).SingleAsync(ct);
        var now = clock.GetUtcNow();
        var today = Reporting.Overview.Today(now, tz);
        var versions = await db.Set<ResultsSettings>().AsNoTracking().OrderBy(s => s.Version).ToListAsync(ct);
        var periods = ControlGroup.Periods(versions, tz);
        var starts = periods.Select(p => p.From.ToUniversalTime()).ToArray();
        var ends = periods.Select(p => (p.To ?? OpenEnd).ToUniversalTime()).ToArray();

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO results_watermarks (tenant_id, rolled_up_at, time_zone) VALUES ({tenantId}, {DateTimeOffset.UnixEpoch}, {tz}) ON CONFLICT DO NOTHING", ct);
        // One run at a time per tenant: the others queue on the watermark row.
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM results_watermarks WHERE tenant_id = {tenantId} FOR UPDATE", ct);
        await db.Database.ExecuteSqlInterpolatedAsync($"DELETE FROM result_cohorts WHERE tenant_id = {tenantId}", ct);
        await db.Database.ExecuteSqlInterpolatedAsync($"DELETE FROM result_cohort_months WHERE tenant_id = {tenantId}", ct);
        await db.Database.ExecuteSqlInterpolatedAsync($"DELETE FROM result_months WHERE tenant_id = {tenantId}", ct);
        NpgsqlParameter[] Parameters() =>
        [
            new("t", tenantId), new("tz", tz), new("today", today),
            new("starts", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = starts },
            new("ends", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = ends },
        ];
        if (starts.Length > 0) await InsertSelectedAsync(CohortsSql, Parameters(), ct);
        await InsertSelectedAsync(CohortMonthsSql, Parameters(), ct);
        await InsertSelectedAsync(MonthsSql, Parameters(), ct);
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE results_watermarks SET rolled_up_at = {now}, time_zone = {tz} WHERE tenant_id = {tenantId}", ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Runs an "INSERT INTO t (columns) SELECT …" as its SELECT, then inserts the few rows it returns (one per cohort or
    /// month) with multi-row VALUES. On a Citus cluster these lateral aggregates are not pushed down to the tenant's shard
    /// as one INSERT … SELECT: the coordinator would COPY the rows into the shard, which row-level security refuses.
    /// A VALUES insert is routed to the tenant's shard like any other write.
    /// </summary>
    private async Task InsertSelectedAsync(string insertSelect, NpgsqlParameter[] parameters, CancellationToken ct)
    {
        var split = System.Text.RegularExpressions.Regex.Match(insertSelect, @"^\s*INSERT INTO (\w+) \(([^)]*)\)\s*(SELECT.*)$",
            System.Text.RegularExpressions.RegexOptions.Singleline);
        if (!split.Success) throw new InvalidOperationException("Expected INSERT INTO table (columns) SELECT …");
        var (table, columns, select) = (split.Groups[1].Value, split.Groups[2].Value, split.Groups[3].Value);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
        var rows = new List<object[]>();
        await using (var read = new NpgsqlCommand(select, connection, transaction))
        {
            read.Parameters.AddRange(parameters);
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var row = new object[reader.FieldCount];
                reader.GetValues(row);
                rows.Add(row);
            }
        }
        foreach (var chunk in rows.Chunk(500))
        {
            await using var write = new NpgsqlCommand { Connection = connection, Transaction = transaction };
            var values = new List<string>();
            foreach (var row in chunk)
            {
                var names = new List<string>();
                foreach (var value in row)
                {
                    var name = "p" + write.Parameters.Count;
                    write.Parameters.Add(new NpgsqlParameter(name, value));
                    names.Add("@" + name);
                }
                values.Add("(" + string.Join(", ", names) + ")");
            }
            write.CommandText = $"INSERT INTO {table} ({columns}) VALUES {string.Join(", ", values)}";
            await write.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>For the page: rolls up only when the roll-up is missing, older than <see cref="MaxAge"/> or in another time zone.</summary>
    public async Task<DateTimeOffset> CatchUpAsync(Guid tenantId, CancellationToken ct = default)
    {
        var mark = await db.Set<ResultsWatermark>().AsNoTracking().Where(w => w.TenantId == tenantId)
            .Select(w => new { w.RolledUpAt, w.TimeZone }).SingleOrDefaultAsync(ct);
        var tz = await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.TimeZone).SingleAsync(ct);
        var now = clock.GetUtcNow();
        if (mark is not null && mark.TimeZone == tz && now - mark.RolledUpAt <= MaxAge) return mark.RolledUpAt;
        await ExecuteAsync(tenantId, ct);
        return now;
    }

    /// <summary>Every active tenant, each in its own scope and transaction (the nightly job).</summary>
    public static async Task RunForAllTenantsAsync(IServiceScopeFactory scopes, ILogger log, CancellationToken ct = default)
    {
        List<Guid> ids;
        await using (var scope = scopes.CreateAsyncScope())
            ids = await scope.ServiceProvider.GetRequiredService<SmartbisDb>().Tenants
                .Where(t => t.Status == TenantStatus.Active).Select(t => t.Id).ToListAsync(ct);
        foreach (var id in ids)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<TenantContext>().Set(id);
                await scope.ServiceProvider.GetRequiredService<RollUpResults>().ExecuteAsync(id, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Results roll-up failed for tenant {TenantId}", id); // the next night tries again; other tenants go on
            }
        }
    }

    private static readonly DateTimeOffset OpenEnd = new(3000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const string Window = "90";
    private const string MaxMonthOffsetText = "23";

    // The measured members: joined while a holdout was on (a period [start, end)), with their local join day and month.
    private const string Measured = """
        SELECT c.tenant_id, c.id, c.in_control_group AS ctl, (c.joined_at AT TIME ZONE @tz)::date AS join_day,
               date_trunc('month', c.joined_at AT TIME ZONE @tz)::date AS join_month
        FROM customers c
        WHERE c.tenant_id = @t AND c.joined_at IS NOT NULL
          AND EXISTS (SELECT 1 FROM unnest(@starts, @ends) AS w(s, e) WHERE c.joined_at >= w.s AND c.joined_at < w.e)
        """;

    private const string Done90 = $"m.join_day + {Window} <= @today";

    private const string CohortsSql = $"""
        INSERT INTO result_cohorts (tenant_id, join_month, in_control_group, members, eligible30, returned30, eligible60, returned60,
            eligible90, returned90, repeaters, purchases, purchases_squares, revenue_cents, revenue_squares, ticket_squares,
            credited_units, redeemed_units, vouchers_redeemed_cents, emails, whats_apps)
        SELECT m.tenant_id, m.join_month, m.ctl, count(*),
               count(*) FILTER (WHERE m.join_day + 30 <= @today),
               count(*) FILTER (WHERE m.join_day + 30 <= @today AND x.first_return <= m.join_day + 30),
               count(*) FILTER (WHERE m.join_day + 60 <= @today),
               count(*) FILTER (WHERE m.join_day + 60 <= @today AND x.first_return <= m.join_day + 60),
               count(*) FILTER (WHERE {Done90}),
               count(*) FILTER (WHERE {Done90} AND x.first_return <= m.join_day + 90),
               count(*) FILTER (WHERE {Done90} AND x.n >= 2),
               coalesce(sum(x.n) FILTER (WHERE {Done90}), 0),
               coalesce(sum(x.n::float8 * x.n) FILTER (WHERE {Done90}), 0),
               coalesce(sum(x.revenue) FILTER (WHERE {Done90}), 0),
               coalesce(sum(x.revenue::float8 * x.revenue) FILTER (WHERE {Done90}), 0),
               coalesce(sum(x.squares) FILTER (WHERE {Done90}), 0),
               coalesce(sum(l.credited) FILTER (WHERE {Done90}), 0),
               coalesce(sum(l.redeemed) FILTER (WHERE {Done90}), 0),
               coalesce(sum(l.vouchers) FILTER (WHERE {Done90}), 0),
               coalesce(sum(g.emails) FILTER (WHERE {Done90}), 0),
               coalesce(sum(g.whats_apps) FILTER (WHERE {Done90}), 0)
        FROM ({Measured}) m
        -- Purchases from the join day on: the first on a later day is the return; days 0–89 are the window.
        CROSS JOIN LATERAL (
          SELECT min(q.d) FILTER (WHERE q.d > m.join_day) AS first_return,
                 count(*) FILTER (WHERE q.d < m.join_day + {Window}) AS n,
                 coalesce(sum(q.a) FILTER (WHERE q.d < m.join_day + {Window}), 0) AS revenue,
                 coalesce(sum(q.a::float8 * q.a) FILTER (WHERE q.d < m.join_day + {Window}), 0) AS squares
          FROM (SELECT (p.occurred_at AT TIME ZONE @tz)::date AS d, p.amount_cents AS a
                FROM purchases p
                WHERE p.tenant_id = m.tenant_id AND p.customer_id = m.id
                  AND p.occurred_at >= (m.join_day::timestamp AT TIME ZONE @tz)
                  AND p.occurred_at < ((m.join_day + {Window} + 1)::timestamp AT TIME ZONE @tz)) q
        ) x
        CROSS JOIN LATERAL (
          SELECT coalesce(sum(CASE WHEN e.kind IN ('Earn', 'WelcomeBonus', 'BirthdayBonus', 'ReferralBonus', 'ChallengeBonus')
                                   THEN e.pending_delta_cents + e.available_delta_cents ELSE 0 END), 0) AS credited,
                 coalesce(sum(CASE WHEN e.kind IN ('Redeem', 'RewardRedeem', 'RewardReturn') THEN -e.available_delta_cents ELSE 0 END), 0) AS redeemed,
                 coalesce(sum(CASE WHEN e.kind = 'VoucherRedeem' THEN -e.voucher_delta_cents ELSE 0 END), 0) AS vouchers
          FROM ledger_entries e
          WHERE e.tenant_id = m.tenant_id AND e.customer_id = m.id
            AND e.created_at >= (m.join_day::timestamp AT TIME ZONE @tz) AND e.created_at < ((m.join_day + {Window})::timestamp AT TIME ZONE @tz)
        ) l
        CROSS JOIN LATERAL (
          SELECT count(*) FILTER (WHERE g.channel = 'Email') AS emails, count(*) FILTER (WHERE g.channel = 'WhatsApp') AS whats_apps
          FROM messages g
          WHERE g.tenant_id = m.tenant_id AND g.customer_id = m.id AND g.status IN ('Sent', 'Delivered', 'Read') AND g.trigger <> 'test'
            AND g.created_at >= (m.join_day::timestamp AT TIME ZONE @tz) AND g.created_at < ((m.join_day + {Window})::timestamp AT TIME ZONE @tz)
        ) g
        GROUP BY m.tenant_id, m.join_month, m.ctl
        """;

    // Every member (both groups, measured or not) by month of joining; for each month after it, how many bought then.
    private const string CohortMonthsSql = $"""
        INSERT INTO result_cohort_months (tenant_id, join_month, month_offset, members, active)
        SELECT s.tenant_id, s.join_month, o.month_offset, s.members, coalesce(a.active, 0)
        FROM (SELECT c.tenant_id, date_trunc('month', c.joined_at AT TIME ZONE @tz)::date AS join_month, count(*)::int AS members
              FROM customers c WHERE c.tenant_id = @t AND c.joined_at IS NOT NULL GROUP BY 1, 2) s
        CROSS JOIN LATERAL generate_series(0, least({MaxMonthOffsetText},
            ((extract(year FROM @today) - extract(year FROM s.join_month)) * 12 + extract(month FROM @today) - extract(month FROM s.join_month))::int)) AS o(month_offset)
        LEFT JOIN (
          SELECT c.join_month, ((extract(year FROM p.m) - extract(year FROM c.join_month)) * 12 + extract(month FROM p.m) - extract(month FROM c.join_month))::int AS month_offset,
                 count(DISTINCT c.id)::int AS active
          FROM (SELECT tenant_id, id, (joined_at AT TIME ZONE @tz)::date AS join_day, date_trunc('month', joined_at AT TIME ZONE @tz)::date AS join_month
                FROM customers WHERE tenant_id = @t AND joined_at IS NOT NULL) c
          JOIN LATERAL (SELECT DISTINCT date_trunc('month', p.occurred_at AT TIME ZONE @tz)::date AS m
                        FROM purchases p
                        WHERE p.tenant_id = c.tenant_id AND p.customer_id = c.id AND p.occurred_at >= (c.join_day::timestamp AT TIME ZONE @tz)) p ON true
          GROUP BY 1, 2
        ) a ON a.join_month = s.join_month AND a.month_offset = o.month_offset
        """;

    // Each month's purchases: by a member who had joined when buying (identified), or by a walk-in who had not (yet).
    private const string MonthsSql = """
        INSERT INTO result_months (tenant_id, month, identified_purchases, identified_revenue_cents, walk_in_purchases, walk_in_revenue_cents)
        SELECT p.tenant_id, date_trunc('month', p.occurred_at AT TIME ZONE @tz)::date,
               count(*) FILTER (WHERE c.joined_at <= p.occurred_at),
               coalesce(sum(p.amount_cents) FILTER (WHERE c.joined_at <= p.occurred_at), 0),
               count(*) FILTER (WHERE c.joined_at IS NULL OR c.joined_at > p.occurred_at),
               coalesce(sum(p.amount_cents) FILTER (WHERE c.joined_at IS NULL OR c.joined_at > p.occurred_at), 0)
        FROM purchases p
        JOIN customers c ON c.tenant_id = p.tenant_id AND c.id = p.customer_id
        WHERE p.tenant_id = @t
        GROUP BY 1, 2
        """;
}
