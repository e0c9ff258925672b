using Hangfire;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Notifications.WhatsApp;

namespace Smartbis.Web.Features.Automations;

public static class AutomationsSetup
{
    /// <summary>
    /// Automations: outbox → messages → email/WhatsApp, the recurring jobs (registered by nodes that run a Hangfire
    /// server) and the after-commit signal on SmartbisDb. The WhatsApp status webhook is mapped by <see cref="MapSmartbisAutomations"/>.
    /// </summary>
    public static IHostApplicationBuilder AddSmartbisAutomations(this IHostApplicationBuilder builder)
    {
        var s = builder.Services;
        s.Configure<WhatsAppOptions>(builder.Configuration.GetSection("Smartbis:WhatsApp"));
        s.AddHttpClient<WhatsAppClient>((sp, http) =>
        {
            var o = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<WhatsAppOptions>>().Value;
            http.BaseAddress = new Uri(o.BaseUrl.EndsWith('/') ? o.BaseUrl : o.BaseUrl + "/");
            http.Timeout = TimeSpan.FromSeconds(o.TimeoutSeconds);
        });
        s.AddSingleton<OutboxSignal>();
        s.ConfigureDbContext<SmartbisDb>((sp, o) => o.AddInterceptors(sp.GetRequiredService<OutboxSignal>()));
        s.AddSingleton<DispatchOutbox>();
        s.AddSingleton<DeliverMessages>();
        s.AddSingleton<ScanCustomers>();
        s.AddScoped<AutomationJobs>();
        s.AddScoped<SendTestMessage>();
        s.AddScoped<RetryMessage>();
        s.AddScoped<SaveAutomationSettings>();
        s.AddScoped<SaveMessagingSettings>();
        s.AddScoped<SaveTemplate>();
        s.AddScoped<ResetTemplate>();
        s.AddScoped<WhatsAppWebhook>();
        s.AddScoped<WhatsAppCodes>();
        s.AddSingleton<OptOut>();
        if (builder.Configuration.GetValue("Smartbis:Hangfire:Workers", 1) > 0 && builder.Configuration.GetValue("Smartbis:Automations:Recurring", true))
            s.AddHostedService<RecurringJobsRegistration>();
        return builder;
    }

    /// <summary>
    /// The WhatsApp Cloud API's status webhook (GET: Meta's verification handshake; POST: signed status updates), an
    /// endpoint like any other: behind the exception handler, forwarded headers and request logging.
    /// </summary>
    public static WebApplication MapSmartbisAutomations(this WebApplication app)
    {
        app.MapMethods("/webhooks/whatsapp", ["GET", "POST"], (HttpContext http, WhatsAppWebhook webhook) => webhook.HandleAsync(http))
            .AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        return app;
    }
}

/// <summary>Registers (or updates) the recurring jobs when a node with a Hangfire server starts.</summary>
public sealed class RecurringJobsRegistration(IRecurringJobManager recurring, ILogger<RecurringJobsRegistration> log) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        try
        {
            foreach (var (kind, cron) in JobKinds.Schedule)
                recurring.AddOrUpdate<AutomationJobs>($"automations:{kind}", j => j.FanOutAsync(kind), cron);
            recurring.AddOrUpdate<AutomationJobs>("automations:sweep", j => j.SweepAsync(), Cron.Minutely());
        }
        catch (Exception e)
        {
            log.LogError(e, "Could not register the recurring automation jobs");
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
