namespace Smartbis.Web.Features.Operations;

public static class OperationsSetup
{
    /// <summary>The operator's console: suspension (the one gate every recording passes) and the cross-tenant reads of /admin.</summary>
    public static IHostApplicationBuilder AddSmartbisOperations(this IHostApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddScoped<SuspendTenant>();
        s.AddScoped<ReactivateTenant>();
        s.AddScoped<TenantDirectory>();
        s.AddScoped<TenantDossier>();
        s.AddScoped<PlatformMetrics>();
        s.AddScoped<FailedJobs>();
        return builder;
    }
}
