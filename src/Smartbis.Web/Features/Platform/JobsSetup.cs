using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;

namespace Smartbis.Web.Features.Platform;

public static class JobsSetup
{
    /// <summary>
    /// Hangfire keeps its jobs in the same PostgreSQL (schema "hangfire"); the server runs in-process.
    /// Smartbis__Hangfire__Workers sets the worker count; 0 runs no server (a web node that only enqueues).
    /// </summary>
    public static IHostApplicationBuilder AddSmartbisJobs(this IHostApplicationBuilder builder)
    {
        // Hangfire's storage has a pool of its own, sized for its workers (Smartbis:Database:JobsMaxPoolSize).
        var cs = Data.PoolSizes.From(builder.Configuration).ForJobs(Data.DatabaseMigrator.AppConnectionString(builder.Configuration));
        var options = new PostgreSqlStorageOptions
        {
            SchemaName = "hangfire",
            // The schema is the migrations' job (DatabaseMigrator, as the owner); the app role cannot create it.
            // Only a deployment where the app is its own owner (one connection string) lets Hangfire do it.
            PrepareSchemaIfNecessary = Data.DatabaseMigrator.AppIsOwner(builder.Configuration),
            QueuePollInterval = TimeSpan.FromSeconds(1),
        };
        // The host's own storage, registered before Hangfire's: Hangfire would otherwise resolve JobStorage.Current, one
        // per process, which the last host to start overwrites (two hosts in one process, as the tests run them, read and
        // enqueued in each other's database).
        builder.Services.AddSingleton<JobStorage>(_ => new PostgreSqlStorage(new NpgsqlConnectionFactory(cs, options), options));
        builder.Services.AddHangfire((services, c) => c
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseStorage(services.GetRequiredService<JobStorage>()));
        var workers = builder.Configuration.GetValue("Smartbis:Hangfire:Workers", Math.Max(2, Environment.ProcessorCount));
        if (workers > 0) builder.Services.AddHangfireServer(o => o.WorkerCount = workers);
        return builder;
    }
}
