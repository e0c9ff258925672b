namespace Smartbis.Web.Features.Plans;

/// <summary>
/// Plans: the price list as data (<see cref="PlanDefinition"/>), the limits' one check (<see cref="PlanLimits"/>), usage
/// metering (<see cref="Usage"/>, <see cref="ApiCallMeter"/>), plan changes, upgrade requests behind
/// <see cref="IBillingProvider"/>, and the hourly job (trials, usage readings, threshold notices).
/// </summary>
public static class PlansSetup
{
    public static IHostApplicationBuilder AddSmartbisPlans(this IHostApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddScoped<ChangePlan>();
        return builder;
    }
}
