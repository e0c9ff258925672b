using Hangfire;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Features.Vouchers;

namespace Smartbis.Web.Features.Automations;

/// <summary>The recurring job kinds: each runs for every active tenant, one Hangfire job per tenant.</summary>
public static class JobKinds
{
    public const string ReleaseCredits = "release-credits";
    public const string ExpireCredits = "expire-credits";
    public const string IssueVouchers = "issue-vouchers";
    public const string ExpiringSoon = "expiring-soon";
    public const string WinBack = "win-back";
    public const string Birthdays = "birthdays";
    public const string RollUpStats = "roll-up-stats";

    /// <summary>Kind → cron (UTC). Birthdays hourly so every time zone's day is seen soon after it starts.</summary>
    public static readonly IReadOnlyDictionary<string, string> Schedule = new Dictionary<string, string>
    {
        [ReleaseCredits] = "*/15 * * * *",
        [ExpireCredits] = "5 * * * *",
        [IssueVouchers] = "*/15 * * * *",
        [ExpiringSoon] = "0 12 * * *",
        [WinBack] = "0 13 * * *",
        [Birthdays] = "10 * * * *",
        // The overview reads only the roll-up (it rolls up itself only when this job is late): every 5 minutes.
        [RollUpStats] = "*/5 * * * *",
    };
}

/// <summary>
/// What Hangfire runs. Arguments are ids and names, never entities; each job sets its tenant in its own scope
/// (the operations do, through LedgerUnit). Every job is safe to run twice or concurrently.
/// </summary>
public sealed class AutomationJobs(
    IServiceScopeFactory scopes, IBackgroundJobClient jobs, TimeProvider clock, ReleasePendingCredits release, ExpireCredits expire,
    IssueVouchers issue, ScanCustomers scans, DispatchOutbox dispatch, DeliverMessages deliver, OutboxSignal signal, ILogger<AutomationJobs> log)
{
    /// <summary>Fans a recurring kind out: one job per active tenant.</summary>
    [AutomaticRetry(Attempts = 1)]
    public async Task FanOutAsync(string kind)
    {
        foreach (var tenantId in await ActiveTenantsAsync())
            jobs.Enqueue<AutomationJobs>(j => j.RunForTenantAsync(kind, tenantId));
    }

    [AutomaticRetry(Attempts = 3)]
    public async Task RunForTenantAsync(string kind, Guid tenantId)
    {
        if (await SkipSuspendedAsync(tenantId, kind)) return;
        var now = clock.GetUtcNow();
        switch (kind)
        {
            case JobKinds.ReleaseCredits: await release.ExecuteAsync(tenantId, now); break;
            case JobKinds.ExpireCredits: await expire.ExecuteAsync(tenantId, now); break;
            case JobKinds.IssueVouchers: await issue.ExecuteAsync(tenantId, now); break;
            case JobKinds.ExpiringSoon: await scans.ExpiringSoonAsync(tenantId); break;
            case JobKinds.WinBack: await scans.WinBackAsync(tenantId); break;
            case JobKinds.Birthdays: await scans.BirthdaysAsync(tenantId); break;
            case JobKinds.RollUpStats: await RollUpAsync(tenantId); return; // writes no outbox events
            default: throw new ArgumentException($"Unknown job kind {kind}", nameof(kind));
        }
        // What the run wrote to the outbox (vouchers issued, credit available…) becomes messages now, in this job: its
        // commits also asked the signal for a dispatch, which then finds nothing left (dispatch is safe to run twice).
        await DispatchAndDeliverAsync(tenantId);
    }

    /// <summary>Right after a commit that wrote outbox events (and from the sweeper): events → messages → sent.</summary>
    [AutomaticRetry(Attempts = 3)]
    public async Task DispatchAndDeliverAsync(Guid tenantId)
    {
        if (await SkipSuspendedAsync(tenantId, "dispatch")) return;
        signal.Started(tenantId);
        await dispatch.ExecuteAsync(tenantId);
        await DeliverAsync(tenantId);
    }

    [AutomaticRetry(Attempts = 3)]
    public async Task DeliverAsync(Guid tenantId)
    {
        if (await SkipSuspendedAsync(tenantId, "deliver")) return;
        await deliver.ExecuteAsync(tenantId);
        // Waiting messages (delay, quiet hours, backoff) get a job at their time; the sweeper is the safety net.
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
        var next = await scope.ServiceProvider.GetRequiredService<SmartbisDb>().Messages
            .Where(m => m.Status == MessageStatus.Scheduled).MinAsync(m => (DateTimeOffset?)m.NotBefore);
        if (next is { } at && at - clock.GetUtcNow() is var wait && wait > TimeSpan.Zero && wait < TimeSpan.FromHours(24))
            jobs.Schedule<AutomationJobs>(j => j.DeliverAsync(tenantId), wait);
    }

    /// <summary>
    /// The safety net, every minute: events whose job was lost between commit and enqueue, messages whose delivery
    /// job was lost, and claims that outlived their worker (marked Unknown: they may have gone out). Crosses tenants
    /// on purpose, reading only tenant ids.
    /// </summary>
    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(60)]
    public async Task SweepAsync()
    {
        var now = clock.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SmartbisDb>();
        var stale = now.AddSeconds(-30);
        // Which tenants have work is the only thing read across tenants; the work itself runs per tenant, tenant set.
        var (tenants, stuck) = await CrossTenantRead.RunAsync(db, CrossTenantPurpose.OutboxSweep, async () => (
            await db.Database.SqlQuery<Guid>($"""
                SELECT DISTINCT tenant_id AS "Value" FROM outbox_events WHERE processed_at IS NULL AND created_at <= {stale}
                UNION
                SELECT DISTINCT tenant_id FROM messages WHERE status = 'Scheduled' AND not_before <= {now}
                """).ToListAsync(),
            await db.Database.SqlQuery<Guid>($"""
                SELECT DISTINCT tenant_id AS "Value" FROM messages WHERE status = 'Sending' AND claimed_until < {now}
                """).ToListAsync()));
        var lost = 0;
        foreach (var tenantId in stuck)
        {
            await using var tenantScope = scopes.CreateAsyncScope();
            tenantScope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
            lost += await tenantScope.ServiceProvider.GetRequiredService<SmartbisDb>().Database.ExecuteSqlInterpolatedAsync($"""
                UPDATE messages SET status = 'Unknown', claimed_until = NULL,
                       error = 'Delivery stopped while sending; it may have been sent. Use Retry to send it again.'
                WHERE tenant_id = {tenantId} AND status = 'Sending' AND claimed_until < {now}
                """);
        }
        if (lost > 0) log.LogWarning("{Count} messages were left Sending by a stopped worker and are now Unknown", lost);
        // A suspended tenant's waiting work stays where it is (its jobs would skip it): no job a minute for nothing.
        var suspended = (await db.Tenants.Where(t => t.Status == TenantStatus.Suspended).Select(t => t.Id).ToListAsync()).ToHashSet();
        foreach (var tenantId in tenants.Where(t => !suspended.Contains(t))) signal.Request(tenantId);
    }

    private async Task RollUpAsync(Guid tenantId)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
        await scope.ServiceProvider.GetRequiredService<Reporting.RollUpDailyStats>().ExecuteAsync(tenantId);
    }

    /// <summary>A suspended tenant's jobs do nothing (nothing is deleted; reactivation resumes them: ReactivateTenant).</summary>
    private async Task<bool> SkipSuspendedAsync(Guid tenantId, string what)
    {
        if (!await Operations.Suspension.IsSuspendedAsync(scopes, tenantId)) return false;
        log.LogInformation("Job {Job} skipped: tenant {TenantId} is suspended", what, tenantId);
        return true;
    }

    private async Task<List<Guid>> ActiveTenantsAsync()
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SmartbisDb>().Tenants
            .Where(t => t.Status == TenantStatus.Active).Select(t => t.Id).ToListAsync();
    }
}
