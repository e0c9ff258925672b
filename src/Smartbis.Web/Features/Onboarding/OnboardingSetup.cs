namespace Smartbis.Web.Features.Onboarding;

public static class OnboardingSetup
{
    /// <summary>Onboarding: sign-up ("Create my program") and the customer import.</summary>
    public static IHostApplicationBuilder AddSmartbisOnboarding(this IHostApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddScoped<SignUp>();
        s.AddScoped<ImportCustomers>();
        return builder;
    }
}
