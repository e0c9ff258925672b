namespace Smartbis.Web.Features.Portal;

public static class PortalSetup
{
    public static IHostApplicationBuilder AddSmartbisPortal(this IHostApplicationBuilder builder)
    {
        builder.AddCustomerSession();
        var s = builder.Services;
        s.AddScoped<SendSignInCode>();
        s.AddSingleton<SendTimings>();
        s.AddScoped<VerifySignInCode>();
        s.AddScoped<DeleteAccount>();
        s.AddScoped<ExportMyData>();
        s.AddScoped<UpdatePreferences>();
        return builder;
    }
}
