namespace Smartbis.Web.Features.Reporting;

public static class ReportingSetup
{
    /// <summary>Reporting: the daily roll-up the overview reads.</summary>
    public static IHostApplicationBuilder AddSmartbisReporting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<RollUpDailyStats>();
        return builder;
    }
}
