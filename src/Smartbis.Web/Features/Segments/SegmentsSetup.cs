using Hangfire;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Segments;

public static class SegmentsSetup
{
    /// <summary>
    /// Segments and tags: the thresholds (<see cref="SaveSegmentSettings"/>), tags on customers (<see cref="TagCustomer"/>,
    /// <see cref="UntagCustomer"/>) and the nightly assignment (<see cref="AssignSegments"/>, one Hangfire job per tenant).
    /// </summary>
    public static IHostApplicationBuilder AddSmartbisSegments(this IHostApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddScoped<SaveSegmentSettings>();
        s.AddScoped<TagCustomer>();
        s.AddScoped<UntagCustomer>();
        s.AddSingleton<AssignSegments>();
        s.AddScoped<SegmentJobs>();
        if (builder.Configuration.GetValue("Smartbis:Hangfire:Workers", 1) > 0 && builder.Configuration.GetValue("Smartbis:Automations:Recurring", true))
            s.AddHostedService<SegmentsSchedule>();
        return builder;
    }
}

/// <summary>Nightly (03:30 UTC, after midnight in Brazil): one assignment job per active tenant.</summary>
public sealed class SegmentJobs(IServiceScopeFactory scopes, IBackgroundJobClient jobs, AssignSegments assign)
{
    public const string Cron = "30 3 * * *";

    [AutomaticRetry(Attempts = 1)]
    public async Task FanOutAsync()
    {
        await using var scope = scopes.CreateAsyncScope();
        var tenants = await scope.ServiceProvider.GetRequiredService<SmartbisDb>().Tenants
            .Where(t => t.Status == TenantStatus.Active).Select(t => t.Id).ToListAsync();
        foreach (var id in tenants) jobs.Enqueue<SegmentJobs>(j => j.AssignAsync(id));
    }

    [AutomaticRetry(Attempts = 3)]
    public async Task AssignAsync(Guid tenantId)
    {
        if (await Operations.Suspension.IsSuspendedAsync(scopes, tenantId)) return;
        await assign.ExecuteAsync(tenantId);
    }
}

public sealed class SegmentsSchedule(IRecurringJobManager recurring, ILogger<SegmentsSchedule> log) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        try { recurring.AddOrUpdate<SegmentJobs>("segments:assign", j => j.FanOutAsync(), SegmentJobs.Cron); }
        catch (Exception e) { log.LogError(e, "Could not register the recurring segments job"); }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
