using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Tiers;

public static class TiersSetup
{
    /// <summary>
    /// Tiers: levels by qualifying spend or points over a rolling window, the earn multiplier (applied by RecordPurchase
    /// through <see cref="TierOnPurchase"/>), the settings (<see cref="SaveTierProgram"/>) and the hourly review job.
    /// </summary>
    public static IHostApplicationBuilder AddSmartbisTiers(this IHostApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddScoped<SaveTierProgram>();
        s.AddSingleton<ReviewTiers>();
        s.AddSingleton<TiersJobs>();
        return builder.AddRecurringJob<TiersJobs>(TiersJobs.Id, j => j.RunAllAsync(), TiersJobs.Cron);
    }
}
