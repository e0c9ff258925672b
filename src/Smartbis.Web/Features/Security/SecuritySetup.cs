namespace Smartbis.Web.Features.Security;

/// <summary>
/// Cross-capability security primitives: <see cref="AttemptLimit"/> (attempts counted in PostgreSQL, shared by every
/// web node), used by the portal's codes and join form, and meant for the counter's manager PIN.
/// </summary>
public static class SecuritySetup
{
    public static IHostApplicationBuilder AddSmartbisSecurity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<AttemptLimit>();
        return builder;
    }
}
