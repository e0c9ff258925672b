using Hangfire;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Tenancy;

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
        if (builder.Configuration.GetValue("Smartbis:Hangfire:Workers", 1) > 0 && builder.Configuration.GetValue("Smartbis:Automations:Recurring", true))
            s.AddHostedService<ChallengesSchedule>();
        return builder;
    }
}

/// <summary>Every 15 minutes, for every active tenant: <see cref="CatchUpChallenges"/>.</summary>
public sealed class ChallengesJobs(IServiceScopeFactory scopes, CatchUpChallenges catchUp, ILogger<ChallengesJobs> log)
{
    public const string Cron = "*/15 * * * *";

    [AutomaticRetry(Attempts = 2)]
    public async Task RunAllAsync()
    {
        List<Guid> tenants;
        await using (var scope = scopes.CreateAsyncScope())
            tenants = await scope.ServiceProvider.GetRequiredService<SmartbisDb>().Tenants
                .Where(t => t.Status == TenantStatus.Active).Select(t => t.Id).ToListAsync();
        foreach (var id in tenants)
        {
            try { await catchUp.ExecuteAsync(id); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Challenge catch-up failed for tenant {TenantId}", id);
            }
        }
    }
}

public sealed class ChallengesSchedule(IRecurringJobManager recurring, ILogger<ChallengesSchedule> log) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        try { recurring.AddOrUpdate<ChallengesJobs>("challenges:catch-up", j => j.RunAllAsync(), ChallengesJobs.Cron); }
        catch (Exception e) { log.LogError(e, "Could not register the recurring challenges job"); }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
