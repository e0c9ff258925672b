using Hangfire;

namespace Smartbis.Web.Features.Integrations;

public static class IntegrationsSetup
{
    /// <summary>API keys and webhooks (the API's endpoints are in Api/ApiSetup.cs, which calls this).</summary>
    public static IHostApplicationBuilder AddSmartbisIntegrations(this IHostApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddScoped<CreateApiKey>();
        s.AddScoped<RevokeApiKey>();
        s.AddScoped<CreateWebhookSubscription>();
        s.AddScoped<DisableWebhookSubscription>();
        s.AddScoped<RedeliverWebhook>();
        s.AddSingleton<WebhookTargets>();
        s.AddSingleton<DeliverWebhooks>();
        s.AddScoped<DemoApiKeys>();
        s.AddHttpClient(DeliverWebhooks.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<WebhookTargets>().CreateHandler());
        // A node that runs jobs registers the schedule (every minute; Smartbis:Webhooks:Cron overrides, "" turns it off).
        if (builder.Configuration.GetValue("Smartbis:Hangfire:Workers", 1) > 0)
            s.AddHostedService<WebhookSchedule>();
        return builder;
    }
}

internal sealed class WebhookSchedule(IRecurringJobManager jobs, IConfiguration config) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        var cron = config["Smartbis:Webhooks:Cron"] ?? Cron.Minutely();
        if (cron.Length == 0) jobs.RemoveIfExists("webhooks");
        else jobs.AddOrUpdate<DeliverWebhooks>("webhooks", j => j.RunAllAsync(CancellationToken.None), cron);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
