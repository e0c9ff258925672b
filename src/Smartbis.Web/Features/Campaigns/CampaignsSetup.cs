using Hangfire;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Campaigns;

public static class CampaignsSetup
{
    /// <summary>
    /// Campaigns: <see cref="SaveCampaign"/>, <see cref="LaunchCampaign"/>, <see cref="CancelCampaign"/>, the run
    /// (<see cref="RunCampaign"/>, a Hangfire job at the send time plus a quarter-hourly catch-up per tenant), the bonus
    /// (<see cref="GrantCampaignBonus"/>) and the multiplier read by the earn computation (<see cref="CampaignBoost"/>).
    /// </summary>
    public static IHostApplicationBuilder AddSmartbisCampaigns(this IHostApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddScoped<SaveCampaign>();
        s.AddScoped<UpdateCampaign>();
        s.AddScoped<LaunchCampaign>();
        s.AddScoped<CancelCampaign>();
        s.AddSingleton<GrantCampaignBonus>();
        s.AddSingleton<RunCampaign>();
        s.AddScoped<CampaignJobs>();
        if (builder.Configuration.GetValue("Smartbis:Hangfire:Workers", 1) > 0 && builder.Configuration.GetValue("Smartbis:Automations:Recurring", true))
            s.AddHostedService<CampaignsSchedule>();
        return builder;
    }
}

/// <summary>What Hangfire runs: a campaign at its time (then the automations' delivery), and the catch-up of due campaigns.</summary>
public sealed class CampaignJobs(IServiceScopeFactory scopes, IBackgroundJobClient jobs, RunCampaign run, TimeProvider clock)
{
    public const string Cron = "*/15 * * * *";

    [AutomaticRetry(Attempts = 3)]
    public async Task RunAsync(Guid tenantId, Guid campaignId)
    {
        if (await Operations.Suspension.IsSuspendedAsync(scopes, tenantId)) return;
        if ((await run.ExecuteAsync(tenantId, campaignId)).Ran)
            jobs.Enqueue<AutomationJobs>(j => j.DeliverAsync(tenantId));
    }

    /// <summary>Every quarter hour, tenant by tenant: campaigns due whose job was lost (or a run that stopped half-way).</summary>
    [AutomaticRetry(Attempts = 1)]
    [DisableConcurrentExecution(300)]
    public async Task CatchUpAsync()
    {
        var now = clock.GetUtcNow();
        List<Guid> tenants;
        await using (var scope = scopes.CreateAsyncScope())
            tenants = await scope.ServiceProvider.GetRequiredService<SmartbisDb>().Tenants
                .Where(t => t.Status == TenantStatus.Active).Select(t => t.Id).ToListAsync();
        foreach (var tenantId in tenants)
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
            var due = await scope.ServiceProvider.GetRequiredService<SmartbisDb>().Set<Campaign>()
                .Where(c => (c.Status == CampaignStatus.Scheduled && c.SendAt <= now.AddMinutes(-5)) || (c.Status == CampaignStatus.Sending && c.PlannedAt <= now.AddMinutes(-30)))
                .Select(c => c.Id).ToListAsync();
            foreach (var id in due) jobs.Enqueue<CampaignJobs>(j => j.RunAsync(tenantId, id));
        }
    }
}

public sealed class CampaignsSchedule(IRecurringJobManager recurring, ILogger<CampaignsSchedule> log) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        try { recurring.AddOrUpdate<CampaignJobs>("campaigns:catch-up", j => j.CatchUpAsync(), CampaignJobs.Cron); }
        catch (Exception e) { log.LogError(e, "Could not register the recurring campaigns job"); }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
