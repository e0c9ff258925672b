using System.Linq.Expressions;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Infrastructure;

/// <summary>
/// What the recurring per-tenant jobs share (challenges' catch-up, the tiers review): the run over every active tenant,
/// where one tenant's failure is logged and the others go on, and the registration of the recurring Hangfire job when a
/// node with a Hangfire server starts.
/// </summary>
public static class RecurringTenantJobs
{
    /// <summary>Runs <paramref name="run"/> for every active tenant; a failure is logged and the next run tries again.</summary>
    public static async Task ForEachActiveTenantAsync(IServiceScopeFactory scopes, ILogger log, string job, Func<Guid, Task> run)
    {
        List<Guid> tenants;
        await using (var scope = scopes.CreateAsyncScope())
            tenants = await scope.ServiceProvider.GetRequiredService<SmartbisDb>().Tenants
                .Where(t => t.Status == TenantStatus.Active).Select(t => t.Id).ToListAsync();
        foreach (var id in tenants)
        {
            try { await run(id); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "{Job} failed for tenant {TenantId}", job, id);
            }
        }
    }

    /// <summary>
    /// Registers the recurring job <paramref name="id"/> at start-up, on a node that runs Hangfire workers and recurring
    /// jobs (Smartbis:Hangfire:Workers &gt; 0, Smartbis:Automations:Recurring).
    /// </summary>
    public static IHostApplicationBuilder AddRecurringJob<TJob>(this IHostApplicationBuilder builder, string id, Expression<Func<TJob, Task>> run, string cron)
    {
        if (builder.Configuration.GetValue("Smartbis:Hangfire:Workers", 1) > 0 && builder.Configuration.GetValue("Smartbis:Automations:Recurring", true))
            builder.Services.AddHostedService(sp => new RecurringJobSchedule<TJob>(
                sp.GetRequiredService<IRecurringJobManager>(), sp.GetRequiredService<ILogger<RecurringJobSchedule<TJob>>>(), id, run, cron));
        return builder;
    }
}

/// <summary>Registers one recurring Hangfire job when the node starts (a failure is logged: the app still starts).</summary>
public sealed class RecurringJobSchedule<TJob>(IRecurringJobManager recurring, ILogger<RecurringJobSchedule<TJob>> log,
    string id, Expression<Func<TJob, Task>> run, string cron) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        try { recurring.AddOrUpdate(id, run, cron); }
        catch (Exception e) { log.LogError(e, "Could not register the recurring job {JobId}", id); }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
