using Serilog;
using Serilog.Configuration;
using Serilog.Context;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Infrastructure;

public static class Logging
{
    public static WebApplicationBuilder AddSmartbisLogging(this WebApplicationBuilder builder)
    {
        var dev = builder.Environment.IsDevelopment();
        // preserveStaticLogger: each host keeps its own logger; the static Log.Logger is process-wide, so with two hosts
        // in one process (the test suite) the last one built would receive the other's events, and a disposed one
        // would silence them. The request logging middleware is given this host's logger for the same reason.
        builder.Services.AddSerilog((sp, lc) =>
        {
            lc.ReadFrom.Configuration(builder.Configuration)
              .MinimumLevel.Override("Microsoft.AspNetCore", Serilog.Events.LogEventLevel.Warning)
              .MinimumLevel.Override("Microsoft.EntityFrameworkCore", Serilog.Events.LogEventLevel.Warning)
              .Enrich.FromLogContext();
            // Machines read logs in production: one JSON object per line; people read them in development.
            // Written in batches by Serilog's background worker (BatchedConsole): a request only queues its events, so a
            // slow console (a pipe to a log collector) never holds a request, and a batch is one write. The queue holds
            // up to 100,000 events (Serilog's default) and is flushed when the host stops.
            ITextFormatter format = dev
                ? new MessageTemplateTextFormatter("[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {TenantId} {UserId}{NewLine}{Exception}")
                : new RenderedCompactJsonFormatter();
            BatchedConsole.UseOneWritePerBatch();
            lc.WriteTo.Sink(new BatchedConsole(format), new BatchingOptions
            {
                BatchSizeLimit = 1000,
                BufferingTimeLimit = TimeSpan.FromMilliseconds(100), // how late a line may reach the console
                QueueLimit = 100_000,
            });
        }, preserveStaticLogger: true);
        return builder;
    }

    /// <summary>Every event of a request carries the tenant, the user and the request id.</summary>
    public static IApplicationBuilder UseLogEnrichment(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            var tenant = http.RequestServices.GetRequiredService<TenantContext>();
            using (LogContext.PushProperty("RequestId", http.TraceIdentifier))
            using (LogContext.PushProperty("TenantId", tenant.TenantId))
            using (LogContext.PushProperty("UserId", http.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value))
                await next();
        });
}
