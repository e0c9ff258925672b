namespace Smartbis.Web.Features.Results;

public static class ResultsSetup
{
    /// <summary>
    /// Results: the control group (<see cref="ControlGroup"/>, <see cref="SaveResultsSettings"/>), the nightly roll-up the
    /// results page reads (<see cref="RollUpResults"/>), the report (<see cref="ResultsReport"/>) and its CSV export.
    /// </summary>
    public static IHostApplicationBuilder AddSmartbisResults(this IHostApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddScoped<SaveResultsSettings>();
        s.AddScoped<RollUpResults>();
        s.AddScoped<ExportResults>();
        s.AddSingleton<ResultsJobs>();
        if (builder.Configuration.GetValue("Smartbis:Hangfire:Workers", 1) > 0 && builder.Configuration.GetValue("Smartbis:Automations:Recurring", true))
            s.AddHostedService<ResultsSchedule>();
        return builder;
    }
}
