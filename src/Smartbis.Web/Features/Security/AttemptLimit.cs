using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Security;

/// <summary>One limit: at most <see cref="Limit"/> attempts per subject in each fixed <see cref="Window"/>.</summary>
public sealed record AttemptRule(string Scope, int Limit, TimeSpan Window);

/// <summary>
/// Counts an attempt against a limit in PostgreSQL, so every web node shares the count and parallel requests cannot
/// pass it: one statement, <c>INSERT … ON CONFLICT DO UPDATE SET count = count + 1 WHERE count &lt; limit RETURNING
/// count</c>, keyed by (tenant, scope, subject, window start). No row back means the limit is reached and nothing was
/// counted. Windows are fixed (aligned on the epoch), so an attempt at most doubles across a window boundary.
/// Call it outside (before) the transaction of the work it guards: a rolled-back transaction would un-count it.
/// </summary>
public sealed class AttemptLimit(SmartbisDb db, TimeProvider clock)
{
    public sealed record Outcome(bool Allowed, int Count, DateTimeOffset WindowEnds, TimeSpan RetryAfter);

    /// <summary>Counts one attempt if the subject is under the limit; says whether it was counted.</summary>
    public async Task<Outcome> TryCountAsync(AttemptRule rule, string subject, CancellationToken ct = default)
    {
        var tenantId = db.Tenant.Require();
        var now = clock.GetUtcNow();
        var windowTicks = rule.Window.Ticks;
        var start = new DateTimeOffset(now.UtcTicks - now.UtcTicks % windowTicks, TimeSpan.Zero);
        var ends = start + rule.Window;
        if (subject.Length > 100) subject = subject[..100];
        var counted = await db.Database.SqlQuery<int>($"""
            INSERT INTO attempt_counters (tenant_id, scope, subject, window_start, count)
            VALUES ({tenantId}, {rule.Scope}, {subject}, {start}, 1)
            ON CONFLICT (tenant_id, scope, subject, window_start)
            DO UPDATE SET count = attempt_counters.count + 1 WHERE attempt_counters.count < {rule.Limit}
            RETURNING count AS "Value"
            """).ToListAsync(ct);
        if (counted.Count == 1 && counted[0] == 1)
            // First attempt of a new window: the subject's past windows are dead weight (one short DELETE by key prefix).
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"DELETE FROM attempt_counters WHERE tenant_id = {tenantId} AND scope = {rule.Scope} AND subject = {subject} AND window_start < {start}", ct);
        var retryAfter = ends - now;
        return counted.Count == 1
            ? new Outcome(counted[0] <= rule.Limit, counted[0], ends, retryAfter)
            : new Outcome(false, rule.Limit, ends, retryAfter);
    }

    /// <summary>Counts one attempt or throws <see cref="TooMany"/> (429, with the seconds to wait).</summary>
    public async Task CountAsync(AttemptRule rule, string subject, CancellationToken ct = default)
    {
        var outcome = await TryCountAsync(rule, subject, ct);
        if (!outcome.Allowed) throw TooMany(outcome.RetryAfter);
    }

    /// <summary>The refusal: code <c>too_many_attempts</c>, 429, and <see cref="RetryAfterKey"/> in its Data.</summary>
    public static OperationFailed TooMany(TimeSpan retryAfter)
    {
        var failed = new OperationFailed("too_many_attempts", "too_many_attempts", "", 429);
        failed.Data[RetryAfterKey] = (int)Math.Ceiling(Math.Max(1, retryAfter.TotalSeconds));
        return failed;
    }

    /// <summary>Key in <see cref="Exception.Data"/> of a refusal: whole seconds until the limit's window ends.</summary>
    public const string RetryAfterKey = "RetryAfterSeconds";

    /// <summary>Sets Retry-After on a response for a refusal that carries it.</summary>
    public static void SetRetryAfter(HttpResponse response, OperationFailed failed)
    {
        if (failed.Data[RetryAfterKey] is int seconds) response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
