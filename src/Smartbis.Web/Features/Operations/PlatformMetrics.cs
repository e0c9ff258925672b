using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Operations;

/// <summary>
/// Platform metrics for the operator (/admin/metrics): tenants by plan and status, members, purchases and messages per
/// day, and the job queues. Purchases and members come from the daily roll-up (<c>daily_stats</c>, a few rows per
/// tenant per day), never from the ledger; messages from <c>messages</c> by their (tenant_id, created_at) index.
/// </summary>
public sealed class PlatformMetrics(SmartbisDb db, FailedJobs jobs, TimeProvider clock)
{
    public static readonly int[] Ranges = [30, 90];

    public sealed record PlanCount(string Plan, int Active, int Suspended);

    public sealed record Day(DateOnly Date, int Purchases, int NewMembers, int MessagesSent, int MessagesFailed);

    public sealed record Result(int Days, IReadOnlyList<PlanCount> Plans, long Members, long Purchases, IReadOnlyList<Day> Series, JobStatistics Jobs, int FailedJobs24h);

    public sealed class MessageDay
    {
        public DateOnly Day { get; set; }
        public string Status { get; set; } = "";
        public int N { get; set; }
    }

    public async Task<Result> ReadAsync(int days, CancellationToken ct = default)
    {
        days = Ranges.Contains(days) ? days : Ranges[0];
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var from = today.AddDays(1 - days);
        var since = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return await CrossTenantRead.RunAsync(db, CrossTenantPurpose.OperatorOverview, async () =>
        {
            var tenants = await db.Tenants.AsNoTracking().GroupBy(t => new { Plan = t.PlanCode, t.Status })
                .Select(g => new { g.Key.Plan, g.Key.Status, N = g.Count() }).ToListAsync(ct);
            // Plans are data (the plans table): every plan in its order, then any code a tenant still has that is no longer listed.
            var names = await db.Plans.AsNoTracking().OrderBy(p => p.Position).Select(p => new { p.Code, p.Name }).ToListAsync(ct);
            var codes = names.Select(p => p.Code).ToList();
            var plans = codes.Concat(tenants.Select(x => x.Plan).Except(codes)).Select(p => new PlanCount(names.FirstOrDefault(n => n.Code == p)?.Name ?? p,
                tenants.Where(x => x.Plan == p && x.Status == TenantStatus.Active).Sum(x => x.N),
                tenants.Where(x => x.Plan == p && x.Status == TenantStatus.Suspended).Sum(x => x.N))).ToList();
            var totals = await db.DailyStats.IgnoreQueryFilters().GroupBy(_ => 1)
                .Select(g => new { Members = g.Sum(d => (long)d.NewMembers), Purchases = g.Sum(d => (long)d.Purchases) }).SingleOrDefaultAsync(ct);
            var stats = await db.DailyStats.IgnoreQueryFilters().Where(d => d.Day >= from)
                .GroupBy(d => d.Day).Select(g => new { Day = g.Key, P = g.Sum(d => d.Purchases), M = g.Sum(d => d.NewMembers) })
                .ToDictionaryAsync(x => x.Day, ct);
            // Every tenant id in the predicate: the (tenant_id, created_at) index serves it tenant by tenant.
            var ids = (await db.Tenants.Select(t => t.Id).ToListAsync(ct)).ToArray();
            var messages = await db.Database.SqlQuery<MessageDay>($"""
                SELECT (created_at AT TIME ZONE 'UTC')::date AS "Day", status AS "Status", count(*)::int AS "N"
                FROM messages WHERE tenant_id = ANY({ids}) AND created_at >= {since} GROUP BY 1, 2
                """).ToListAsync(ct);
            var sent = new[] { nameof(MessageStatus.Sent), nameof(MessageStatus.Delivered), nameof(MessageStatus.Read) };
            var failed = TenantDirectory.FailedMessage.Select(f => f.ToString()).ToArray();
            var series = Enumerable.Range(0, days).Select(i => from.AddDays(i)).Select(d => new Day(d,
                stats.TryGetValue(d, out var s) ? s.P : 0, stats.TryGetValue(d, out var s2) ? s2.M : 0,
                messages.Where(m => m.Day == d && sent.Contains(m.Status)).Sum(m => m.N),
                messages.Where(m => m.Day == d && failed.Contains(m.Status)).Sum(m => m.N))).ToList();
            return new Result(days, plans, totals?.Members ?? 0, totals?.Purchases ?? 0, series, jobs.Statistics(),
                jobs.Since(now.AddHours(-24)).Count);
        });
    }
}
