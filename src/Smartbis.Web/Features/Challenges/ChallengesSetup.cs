using Hangfire;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Challenges;

public static class ChallengesSetup
{
    /// <summary>
    /// Challenges: the dashboard's operations (<see cref="SaveChallenge"/>, <see cref="EndChallenge"/>), the award at the
    /// completing purchase (<see cref="CompleteChallenges"/>, called by RecordPurchase) and the catch-up job.
    /// </summary>
    public static IHostApplicationBuilder AddSmartbisChallenges(this IHostApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddScoped<SaveChallenge>();
        s.AddScoped<EndChallenge>();
        s.AddSingleton<CatchUpChallenges>();
        s.AddSingleton<ChallengesJobs>();
        return builder.AddRecurringJob<ChallengesJobs>(ChallengesJobs.Id, j => j.RunAllAsync(), ChallengesJobs.Cron);
    }
}

/// <summary>Every 15 minutes, for every active tenant: <see cref="CatchUpChallenges"/>.</summary>
public sealed class ChallengesJobs(IServiceScopeFactory scopes, CatchUpChallenges catchUp, ILogger<ChallengesJobs> log)
{
    public const string Id = "challenges:catch-up";
    public const string Cron = "*/15 * * * *";

    /// <summary>A tenant's failure is logged; the next run tries again and the other tenants go on.</summary>
    [AutomaticRetry(Attempts = 2)]
    public Task RunAllAsync() => RecurringTenantJobs.ForEachActiveTenantAsync(scopes, log, "Challenge catch-up", id => catchUp.ExecuteAsync(id));
}
