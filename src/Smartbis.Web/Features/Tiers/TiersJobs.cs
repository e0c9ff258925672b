using Hangfire;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Tiers;

/// <summary>The hourly tiers job: for every active tenant, <see cref="ReviewTiers"/> (review, reminders, today's snapshot).</summary>
public sealed class TiersJobs(IServiceScopeFactory scopes, ReviewTiers review, ILogger<TiersJobs> log)
{
    public const string Cron = "20 * * * *";

    [AutomaticRetry(Attempts = 2)]
    public async Task RunAllAsync()
    {
        List<Guid> tenants;
        await using (var scope = scopes.CreateAsyncScope())
            tenants = await scope.ServiceProvider.GetRequiredService<SmartbisDb>().Tenants
                .Where(t => t.Status == TenantStatus.Active).Select(t => t.Id).ToListAsync();
        foreach (var id in tenants)
        {
            try { await review.ExecuteAsync(id); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Tier review failed for tenant {TenantId}", id); // the next hour tries again; other tenants go on
            }
        }
    }
}

/// <summary>Registers the recurring tiers job when a node with a Hangfire server starts.</summary>
public sealed class TiersSchedule(IRecurringJobManager recurring, ILogger<TiersSchedule> log) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        try { recurring.AddOrUpdate<TiersJobs>("tiers:review", j => j.RunAllAsync(), TiersJobs.Cron); }
        catch (Exception e) { log.LogError(e, "Could not register the recurring tiers job"); }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
