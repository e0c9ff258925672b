namespace Smartbis.Web.Features.Programs;

public static class ProgramsSetup
{
    /// <summary>Program rules: saved as versions, read as the rules in force at a moment.</summary>
    public static IHostApplicationBuilder AddSmartbisPrograms(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<SaveProgramRules>();
        return builder;
    }
}
