using Hangfire;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Rewards;

/// <summary>The catalogue's recurring job: expire unclaimed rewards, one Hangfire job per active tenant (hourly).</summary>
public sealed class RewardJobs(IServiceScopeFactory scopes, IBackgroundJobClient jobs, TimeProvider clock, ExpireRewardClaims expire)
{
    public const string RecurringId = "rewards:expire-claims";
    public const string Cron = "20 * * * *";

    [AutomaticRetry(Attempts = 1)]
    public async Task FanOutAsync()
    {
        await using var scope = scopes.CreateAsyncScope();
        var tenants = await scope.ServiceProvider.GetRequiredService<SmartbisDb>().Tenants
            .Where(t => t.Status == TenantStatus.Active).Select(t => t.Id).ToListAsync();
        foreach (var tenantId in tenants)
            jobs.Enqueue<RewardJobs>(j => j.ExpireForTenantAsync(tenantId));
    }

    [AutomaticRetry(Attempts = 3)]
    public Task ExpireForTenantAsync(Guid tenantId) => expire.ExecuteAsync(tenantId, clock.GetUtcNow()); // its commits signal the outbox
}

/// <summary>Registers the recurring job when a node with a Hangfire server starts.</summary>
internal sealed class RewardJobsSchedule(IRecurringJobManager recurring, ILogger<RewardJobsSchedule> log) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        try
        {
            recurring.AddOrUpdate<RewardJobs>(RewardJobs.RecurringId, j => j.FanOutAsync(), RewardJobs.Cron);
        }
        catch (Exception e)
        {
            log.LogError(e, "Could not register the reward expiry job");
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
