using Hangfire;

namespace Smartbis.Web.Features.Results;

/// <summary>The nightly results roll-up (<see cref="RollUpResults"/>) for every active tenant.</summary>
public sealed class ResultsJobs(IServiceScopeFactory scopes, ILogger<ResultsJobs> log)
{
    /// <summary>03:40 UTC: after midnight in Brazil, when the day's purchases are in.</summary>
    public const string Cron = "40 3 * * *";

    [AutomaticRetry(Attempts = 2)]
    public Task RunAllAsync() => RollUpResults.RunForAllTenantsAsync(scopes, log);
}

/// <summary>Registers the nightly results job when a node with a Hangfire server starts.</summary>
public sealed class ResultsSchedule(IRecurringJobManager recurring, ILogger<ResultsSchedule> log) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        try { recurring.AddOrUpdate<ResultsJobs>("results:roll-up", j => j.RunAllAsync(), ResultsJobs.Cron); }
        catch (Exception e) { log.LogError(e, "Could not register the nightly results job"); }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
