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
              .Enrich.FromLogContext()
              .Filter.ByExcluding(IsDatabaseErrorOfATrialAttempt);
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

    private static readonly AsyncLocal<bool> TrialAttempt = new();

    /// <summary>
    /// Marks the code that runs until the returned scope is disposed as a trial whose database failures are expected and
    /// handled (<see cref="Features.Ledger.LedgerUnit.RunOnceAsync{T}"/>'s optimistic attempt: a replayed idempotency key
    /// fails its last batch on the key's unique index, and the unit answers the replay by running again). EF Core logs
    /// such a failed command and save at Error, with a stack trace; an operator would read every replay as an error.
    /// Those two kinds of events are dropped inside the trial, and only those: a failure that is real fails the run
    /// that follows as well, and is logged there (and by whatever sees it escape).
    /// </summary>
    public static IDisposable TrialOfDatabaseWork()
    {
        TrialAttempt.Value = true;
        return EndTrial.Instance;
    }

    private sealed class EndTrial : IDisposable
    {
        public static readonly EndTrial Instance = new();
        public void Dispose() => TrialAttempt.Value = false;
    }

    // Filters run on the thread that writes the event, so the trial's async flow is the one asked.
    private static bool IsDatabaseErrorOfATrialAttempt(Serilog.Events.LogEvent e) =>
        TrialAttempt.Value && e.Level >= Serilog.Events.LogEventLevel.Error
        && e.Properties.TryGetValue("EventId", out var id) && id is Serilog.Events.StructureValue { Properties: var p }
        && p.FirstOrDefault(x => x.Name == "Id")?.Value is Serilog.Events.ScalarValue { Value: int eventId }
        && (eventId == Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.CommandError.Id
            || eventId == Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.SaveChangesFailed.Id);

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
