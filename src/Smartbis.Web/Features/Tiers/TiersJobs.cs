using Hangfire;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Tiers;

/// <summary>The hourly tiers job: for every active tenant, <see cref="ReviewTiers"/> (review, reminders, today's snapshot).</summary>
public sealed class TiersJobs(IServiceScopeFactory scopes, ReviewTiers review, ILogger<TiersJobs> log)
{
    public const string Id = "tiers:review";
    public const string Cron = "20 * * * *";

    /// <summary>A tenant's failure is logged; the next hour tries again and the other tenants go on.</summary>
    [AutomaticRetry(Attempts = 2)]
    public Task RunAllAsync() => RecurringTenantJobs.ForEachActiveTenantAsync(scopes, log, "Tier review", id => review.ExecuteAsync(id));
}
