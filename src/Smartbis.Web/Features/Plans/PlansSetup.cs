using Hangfire;

namespace Smartbis.Web.Features.Plans;

/// <summary>
/// Plans: the price list as data (<see cref="PlanDefinition"/>, <see cref="EditPlan"/>), the limits' one check
/// (<see cref="PlanLimits"/>), usage metering (<see cref="Usage"/>, <see cref="UsageMeter"/>), plan changes
/// (<see cref="ChangePlan"/>), upgrade requests behind <see cref="IBillingProvider"/> (today <see cref="ManualApprovalBilling"/>),
/// and the hourly job (<see cref="PlanJobs"/>: trials, usage readings, threshold notices).
/// </summary>
public static class PlansSetup
{
    public static IHostApplicationBuilder AddSmartbisPlans(this IHostApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddScoped<ChangePlan>();
        s.AddScoped<EditPlan>();
        s.AddScoped<IBillingProvider, ManualApprovalBilling>();
        s.AddSingleton<PlanJobs>();
        s.AddSingleton<UsageMeter>();
        s.AddHostedService(sp => sp.GetRequiredService<UsageMeter>());
        if (builder.Configuration.GetValue("Smartbis:Hangfire:Workers", 1) > 0 && builder.Configuration.GetValue("Smartbis:Automations:Recurring", true))
            s.AddHostedService<PlanJobSchedule>();
        return builder;
    }
}

/// <summary>Registers the hourly plan job when a node with a Hangfire server starts.</summary>
internal sealed class PlanJobSchedule(IRecurringJobManager jobs, ILogger<PlanJobSchedule> log) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        try
        {
            jobs.AddOrUpdate<PlanJobs>("plans:hourly", j => j.RunHourlyAsync(), Cron.Hourly());
        }
        catch (Exception e)
        {
            log.LogError(e, "Could not register the hourly plan job");
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
