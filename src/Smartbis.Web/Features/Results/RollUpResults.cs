using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Results;

/// <summary>
/// Keeps the results page's roll-ups (<see cref="ResultCohort"/>, <see cref="ResultCohortMonth"/>, <see cref="ResultMonth"/>)
/// equal to purchases, ledger entries, messages and customers, one tenant at a time in one transaction, incrementally:
/// <list type="bullet">
/// <item>a month of joining's figures follow each member over their first 90 days: once the last member's 91st day was over
/// at the previous run, they are final and kept. Only months still open are recomputed, and an older month only when a purchase
/// written since the last run (a backdated one) or a refund falls into one of its members' windows;</item>
/// <item>retention cells and identified/walk-in months are recomputed from the month of the previous run (or of the earliest
/// purchase written or refunded since, if earlier) on.</item>
/// </list>
/// The first run, a time-zone change, new control-group settings or a clock that went back recompute everything. Every
/// statement reads one tenant's rows with grouped scans joined by hash (no per-member index probes) and writes rows whose
/// tenant_id comes from those rows: on a Citus cluster it runs on the tenant's shard. Runs from the nightly job, and from the
/// page when the tenant's roll-up is older than <see cref="MaxAge"/> or was cut in another time zone.
/// </summary>
public sealed class RollUpResults(SmartbisDb db, TimeProvider clock)
{
    /// <summary>How long each member is followed after joining for purchases, revenue, ticket and cost.</summary>
    public const int WindowDays = 90;

    /// <summary>The page recomputes itself when the nightly job has not run for longer than this.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(26);

    /// <summary>How many months after joining the retention heat map follows.</summary>
    public const int MaxMonthOffset = 23;

    /// <summary>Rows committed up to this long after their created_at are still picked up by the next run.</summary>
    public static readonly TimeSpan Lag = TimeSpan.FromMinutes(10);

    /// <summary>What a run recomputed: everything, or the months of joining and the calendar months from which it did.</summary>
    public sealed record Run(bool Full, DateOnly CohortsFrom, IReadOnlyList<DateOnly> ReopenedCohorts, DateOnly MonthsFrom);

    private sealed record Mark(DateTimeOffset RolledUpAt, string TimeZone);

    private static readonly DateOnly Beginning = new(1900, 1, 1);

    public async Task<Run> ExecuteAsync(Guid tenantId, bool full = false, CancellationToken ct = default)
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
        var mark = await db.Database.SqlQuery<Mark>(
            $"SELECT rolled_up_at, time_zone FROM results_watermarks WHERE tenant_id = {tenantId} FOR UPDATE").SingleAsync(ct);
        // The grouped scans hash a few hundred thousand members at once: room to do it in memory, for this transaction only.
        await db.Database.ExecuteSqlRawAsync("SET LOCAL work_mem = '128MB'", ct);
        full |= mark.RolledUpAt == DateTimeOffset.UnixEpoch || mark.TimeZone != tz || now < mark.RolledUpAt
            || versions.Any(v => v.CreatedAt >= mark.RolledUpAt - Lag);

        var run = full ? new Run(true, Beginning, [], Beginning) : await ChangedSinceAsync(tenantId, tz, mark, ct);
        var cohortsFrom = run.CohortsFrom;
        var reopened = run.ReopenedCohorts.ToArray();
        var windowFrom = reopened.Length > 0 && reopened.Min() < cohortsFrom ? reopened.Min() : cohortsFrom;
        NpgsqlParameter[] Parameters() =>
        [
            new("t", tenantId), new("tz", tz), new("today", today),
            new("starts", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = starts },
            new("ends", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = ends },
            new("cohorts_from", cohortsFrom),
            new("reopened", NpgsqlDbType.Array | NpgsqlDbType.Date) { Value = reopened },
            new("window_from", windowFrom), new("months_from", run.MonthsFrom),
        ];
        await db.Database.ExecuteSqlRawAsync(
            "DELETE FROM result_cohorts WHERE tenant_id = @t AND (join_month >= @cohorts_from OR join_month = ANY(@reopened))", Parameters(), ct);
        await db.Database.ExecuteSqlRawAsync(DeleteCohortMonthsSql, Parameters(), ct);
        await db.Database.ExecuteSqlRawAsync("DELETE FROM result_months WHERE tenant_id = @t AND month >= @months_from", Parameters(), ct);
        if (starts.Length > 0)
        {
            // Hash joins, as written: the planner cannot see how many members the materialized m holds (it guessed 558 of
            // 1,000,000 on the bench tenant, from the tenant filter it derives on m) and probed purchases, ledger entries and
            // messages once per member: 13.5M buffers and 42 s, against 0.46M and 25 s hashed (docs/performance.md).
            // SET LOCAL reaches a Citus worker (citus.propagate_set_commands = 'local', docs/scaling.md).
            await db.Database.ExecuteSqlRawAsync("SET LOCAL enable_nestloop = off", ct);
            await InsertSelectedAsync(CohortsSql, Parameters(), ct);
            await db.Database.ExecuteSqlRawAsync("SET LOCAL enable_nestloop TO DEFAULT", ct);
        }
        await InsertSelectedAsync(CohortMonthsSql, Parameters(), ct);
        await InsertSelectedAsync(MonthsSql, Parameters(), ct);
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE results_watermarks SET rolled_up_at = {now}, time_zone = {tz} WHERE tenant_id = {tenantId}", ct);
        await tx.CommitAsync(ct);
        return run;
    }

    /// <summary>
    /// What the previous run left open: months of joining whose last member's 91st day had not ended by the previous run's day,
    /// older ones that a purchase written or refunded since then falls into (its member's first 91 days), and the calendar
    /// months from the previous run's (or the earliest such purchase's) on.
    /// </summary>
    private async Task<Run> ChangedSinceAsync(Guid tenantId, string tz, Mark mark, CancellationToken ct)
    {
        var previousDay = Reporting.Overview.Today(mark.RolledUpAt, tz);
        // Final at the previous run: last day of the month + 91 <= that day, i.e. every month before the one of (day − 90).
        var cohortsFrom = MonthOf(previousDay.AddDays(-WindowDays));
        var since = mark.RolledUpAt - Lag;
        NpgsqlParameter[] Parameters() => [new("t", tenantId), new("tz", tz), new("since", since), new("cohorts_from", cohortsFrom)];
        var touched = $"""
            SELECT p.tenant_id, p.customer_id, p.occurred_at FROM purchases p WHERE p.tenant_id = @t AND p.created_at >= @since
            UNION ALL
            SELECT p.tenant_id, p.customer_id, p.occurred_at
            FROM purchase_refunds r JOIN purchases p ON p.tenant_id = r.tenant_id AND p.id = r.purchase_id
            WHERE r.tenant_id = @t AND p.tenant_id = @t AND r.created_at >= @since
            """;
        var reopened = await ReadAsync($"""
            SELECT DISTINCT date_trunc('month', c.joined_at AT TIME ZONE @tz)::date
            FROM ({touched}) p JOIN customers c ON c.tenant_id = p.tenant_id AND c.id = p.customer_id
            WHERE c.tenant_id = @t AND c.joined_at IS NOT NULL
              AND date_trunc('month', c.joined_at AT TIME ZONE @tz)::date < @cohorts_from
              AND p.occurred_at >= (((c.joined_at AT TIME ZONE @tz)::date)::timestamp AT TIME ZONE @tz)
              AND p.occurred_at < ((((c.joined_at AT TIME ZONE @tz)::date) + {Window} + 1)::timestamp AT TIME ZONE @tz)
            ORDER BY 1
            """, Parameters(), r => r.GetFieldValue<DateOnly>(0), ct);
        var earliest = (await ReadAsync($"SELECT min(date_trunc('month', p.occurred_at AT TIME ZONE @tz)::date) FROM ({touched}) p",
            Parameters(), r => r.IsDBNull(0) ? (DateOnly?)null : r.GetFieldValue<DateOnly>(0), ct)).Single();
        var monthsFrom = MonthOf(previousDay);
        if (earliest is { } e && e < monthsFrom) monthsFrom = e;
        return new Run(false, cohortsFrom, reopened, monthsFrom);
    }

    private static DateOnly MonthOf(DateOnly day) => new(day.Year, day.Month, 1);

    private async Task<List<T>> ReadAsync<T>(string sql, NpgsqlParameter[] parameters, Func<NpgsqlDataReader, T> map, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
        // The context's command timeout (a raw command would get Npgsql's 30 s, which one statement over a million
        // members can pass: the full-scale bench run of 2026-12-06 stopped there).
        await using var read = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = db.Database.GetCommandTimeout() ?? 120 };
        read.Parameters.AddRange(parameters);
        await using var reader = await read.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct)) rows.Add(map(reader));
        return rows;
    }

    /// <summary>
    /// Runs an "INSERT INTO t (columns) [WITH …] SELECT …" as its query, then inserts the few rows it returns (one per cohort
    /// or month) with multi-row VALUES. On a Citus cluster these aggregates are not pushed down to the tenant's shard as one
    /// INSERT … SELECT: the coordinator would COPY the rows into the shard, which row-level security refuses.
    /// A VALUES insert is routed to the tenant's shard like any other write.
    /// </summary>
    private async Task InsertSelectedAsync(string insertSelect, NpgsqlParameter[] parameters, CancellationToken ct)
    {
        var split = System.Text.RegularExpressions.Regex.Match(insertSelect, @"^\s*INSERT INTO (\w+) \(([^)]*)\)\s*((?:WITH|SELECT).*)$",
            System.Text.RegularExpressions.RegexOptions.Singleline);
        if (!split.Success) throw new InvalidOperationException("Expected INSERT INTO table (columns) SELECT …");
        var (table, columns, select) = (split.Groups[1].Value, split.Groups[2].Value, split.Groups[3].Value);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
        var rows = await ReadAsync(select, parameters, reader =>
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            return row;
        }, ct);
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
        await ExecuteAsync(tenantId, ct: ct);
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
                await scope.ServiceProvider.GetRequiredService<RollUpResults>().ExecuteAsync(id, ct: ct);
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

    /// <summary>Months since year 0 of a date expression: the difference of two is the number of months between them.</summary>
    private static string MonthIndex(string date) => $"(extract(year FROM {date})::int * 12 + extract(month FROM {date})::int)";

    // The members to (re)compute: joined while a holdout was on (a period [start, end)), in a month of joining still open or
    // reopened; their local join day and month, and the instants their day 0, day 90 and day 91 start.
    private const string Measured = $"""
        SELECT c.tenant_id, c.id, c.ctl, c.join_day, date_trunc('month', c.join_day)::date AS join_month,
               (c.join_day::timestamp AT TIME ZONE @tz) AS day0,
               ((c.join_day + {Window})::timestamp AT TIME ZONE @tz) AS day90,
               ((c.join_day + {Window} + 1)::timestamp AT TIME ZONE @tz) AS day91
        FROM (SELECT c.tenant_id, c.id, c.in_control_group AS ctl, (c.joined_at AT TIME ZONE @tz)::date AS join_day
              FROM customers c
              WHERE c.tenant_id = @t AND c.joined_at IS NOT NULL
                AND EXISTS (SELECT 1 FROM unnest(@starts, @ends) AS w(s, e) WHERE c.joined_at >= w.s AND c.joined_at < w.e)) c
        WHERE date_trunc('month', c.join_day)::date >= @cohorts_from OR date_trunc('month', c.join_day)::date = ANY(@reopened)
        """;

    private static readonly string DeleteCohortMonthsSql =
        $"DELETE FROM result_cohort_months WHERE tenant_id = @t AND {MonthIndex("join_month")} + month_offset >= {MonthIndex("@months_from")}";

    private const string Done90 = $"m.join_day + {Window} <= @today";

    // Per member, by grouped scans of the tenant's purchases, ledger entries and messages from the earliest window on, joined
    // to the members by hash: purchases from the join day to day 90 (the first on a later day is the return; days 0–89 are the
    // window; revenue net of refunds, as a campaign's result), rewards and messages of days 0–89. Then summed per month of
    // joining and group.
    private const string CohortsSql = $"""
        INSERT INTO result_cohorts (tenant_id, join_month, in_control_group, members, eligible30, returned30, eligible60, returned60,
            eligible90, returned90, repeaters, purchases, purchases_squares, revenue_cents, revenue_squares, ticket_squares,
            credited_units, redeemed_units, vouchers_redeemed_cents, emails, whats_apps)
        WITH m AS MATERIALIZED ({Measured}),
        x AS (
          SELECT m.tenant_id, m.id,
                 min(q.d) FILTER (WHERE q.d > m.join_day) AS first_return,
                 count(*) FILTER (WHERE q.d < m.join_day + {Window}) AS n,
                 coalesce(sum(q.a) FILTER (WHERE q.d < m.join_day + {Window}), 0) AS revenue,
                 coalesce(sum(q.a::float8 * q.a) FILTER (WHERE q.d < m.join_day + {Window}), 0) AS squares
          FROM m
          JOIN (SELECT p.tenant_id, p.customer_id, p.occurred_at, (p.occurred_at AT TIME ZONE @tz)::date AS d,
                       p.amount_cents - p.refunded_cents AS a
                FROM purchases p
                WHERE p.tenant_id = @t AND p.occurred_at >= (@window_from::timestamp AT TIME ZONE @tz)) q
            ON q.tenant_id = m.tenant_id AND q.customer_id = m.id AND q.occurred_at >= m.day0 AND q.occurred_at < m.day91
          GROUP BY m.tenant_id, m.id, m.join_day
        ),
        l AS (
          SELECT m.tenant_id, m.id,
                 sum(CASE WHEN e.kind IN ('Earn', 'WelcomeBonus', 'BirthdayBonus', 'ReferralBonus', 'ChallengeBonus')
                          THEN e.pending_delta_cents + e.available_delta_cents ELSE 0 END) AS credited,
                 sum(CASE WHEN e.kind IN ('Redeem', 'RewardRedeem', 'RewardReturn') THEN -e.available_delta_cents ELSE 0 END) AS redeemed,
                 sum(CASE WHEN e.kind = 'VoucherRedeem' THEN -e.voucher_delta_cents ELSE 0 END) AS vouchers
          FROM m
          JOIN ledger_entries e ON e.tenant_id = m.tenant_id AND e.customer_id = m.id AND e.created_at >= m.day0 AND e.created_at < m.day90
          WHERE e.tenant_id = @t AND e.created_at >= (@window_from::timestamp AT TIME ZONE @tz)
            AND e.kind IN ('Earn', 'WelcomeBonus', 'BirthdayBonus', 'ReferralBonus', 'ChallengeBonus', 'Redeem', 'RewardRedeem', 'RewardReturn', 'VoucherRedeem')
          GROUP BY m.tenant_id, m.id
        ),
        g AS (
          SELECT m.tenant_id, m.id, count(*) FILTER (WHERE g.channel = 'Email') AS emails, count(*) FILTER (WHERE g.channel = 'WhatsApp') AS whats_apps
          FROM m
          JOIN messages g ON g.tenant_id = m.tenant_id AND g.customer_id = m.id AND g.created_at >= m.day0 AND g.created_at < m.day90
          WHERE g.tenant_id = @t AND g.created_at >= (@window_from::timestamp AT TIME ZONE @tz)
            AND g.status IN ('Sent', 'Delivered', 'Read') AND g.trigger <> 'test'
          GROUP BY m.tenant_id, m.id
        )
        SELECT m.tenant_id, m.join_month, m.ctl, count(*),
               count(*) FILTER (WHERE m.join_day + 30 <= @today),
               count(*) FILTER (WHERE m.join_day + 30 <= @today AND x.first_return <= m.join_day + 30),
               count(*) FILTER (WHERE m.join_day + 60 <= @today),
               count(*) FILTER (WHERE m.join_day + 60 <= @today AND x.first_return <= m.join_day + 60),
               count(*) FILTER (WHERE {Done90}),
               count(*) FILTER (WHERE {Done90} AND x.first_return <= m.join_day + {Window}),
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
        FROM m
        LEFT JOIN x ON x.tenant_id = m.tenant_id AND x.id = m.id
        LEFT JOIN l ON l.tenant_id = m.tenant_id AND l.id = m.id
        LEFT JOIN g ON g.tenant_id = m.tenant_id AND g.id = m.id
        GROUP BY m.tenant_id, m.join_month, m.ctl
        """;

    // Every member (both groups, measured or not) by month of joining; for each month after it from @months_from on, how many
    // bought then (from their join day on): the purchases from @months_from on grouped by customer and month with the last one's
    // instant, joined to the members by hash.
    private static readonly string CohortMonthsSql = $"""
        INSERT INTO result_cohort_months (tenant_id, join_month, month_offset, members, active)
        SELECT s.tenant_id, s.join_month, o.month_offset, s.members, coalesce(a.active, 0)
        FROM (SELECT c.tenant_id, date_trunc('month', c.joined_at AT TIME ZONE @tz)::date AS join_month, count(*)::int AS members
              FROM customers c WHERE c.tenant_id = @t AND c.joined_at IS NOT NULL GROUP BY 1, 2) s
        CROSS JOIN LATERAL generate_series(greatest(0, {MonthIndex("@months_from")} - {MonthIndex("s.join_month")}),
            least({MaxMonthOffsetText}, {MonthIndex("@today")} - {MonthIndex("s.join_month")})) AS o(month_offset)
        LEFT JOIN (
          SELECT b.tenant_id, b.join_month, {MonthIndex("b.m")} - {MonthIndex("b.join_month")} AS month_offset, count(*)::int AS active
          FROM (SELECT c.tenant_id, c.id, date_trunc('month', c.joined_at AT TIME ZONE @tz)::date AS join_month, p.m
                FROM (SELECT p.tenant_id, p.customer_id, date_trunc('month', p.occurred_at AT TIME ZONE @tz)::date AS m, max(p.occurred_at) AS last_at
                      FROM purchases p
                      WHERE p.tenant_id = @t AND p.occurred_at >= (@months_from::timestamp AT TIME ZONE @tz)
                      GROUP BY 1, 2, 3) p
                JOIN customers c ON c.tenant_id = p.tenant_id AND c.id = p.customer_id
                WHERE c.tenant_id = @t AND c.joined_at IS NOT NULL
                  AND p.last_at >= (((c.joined_at AT TIME ZONE @tz)::date)::timestamp AT TIME ZONE @tz)) b
          GROUP BY 1, 2, 3
        ) a ON a.tenant_id = s.tenant_id AND a.join_month = s.join_month AND a.month_offset = o.month_offset
        """;

    // Each month's purchases from @months_from on: by a member who had joined when buying (identified), or by a walk-in who
    // had not (yet). Revenue is net of refunds (amount − refunded), as a campaign's result.
    private const string MonthsSql = """
        INSERT INTO result_months (tenant_id, month, identified_purchases, identified_revenue_cents, walk_in_purchases, walk_in_revenue_cents)
        SELECT p.tenant_id, date_trunc('month', p.occurred_at AT TIME ZONE @tz)::date,
               count(*) FILTER (WHERE c.joined_at <= p.occurred_at),
               coalesce(sum(p.amount_cents - p.refunded_cents) FILTER (WHERE c.joined_at <= p.occurred_at), 0),
               count(*) FILTER (WHERE c.joined_at IS NULL OR c.joined_at > p.occurred_at),
               coalesce(sum(p.amount_cents - p.refunded_cents) FILTER (WHERE c.joined_at IS NULL OR c.joined_at > p.occurred_at), 0)
        FROM purchases p
        JOIN customers c ON c.tenant_id = p.tenant_id AND c.id = p.customer_id
        WHERE p.tenant_id = @t AND c.tenant_id = @t AND p.occurred_at >= (@months_from::timestamp AT TIME ZONE @tz)
        GROUP BY 1, 2
        """;
}
