using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data.Seed;

namespace Smartbis.Web.Data;

public static class DatabaseStartup
{
    public static IHostApplicationBuilder AddSmartbisData(this IHostApplicationBuilder builder)
    {
        var cs = DatabaseMigrator.AppConnectionString(builder.Configuration);
        builder.Services.AddScoped<Features.Tenancy.TenantContext>();
        var pools = PoolSizes.From(builder.Configuration);
        builder.Services.AddSingleton(pools);
        // Contexts come from EF's pool, reset, and are handed the scope's tenant and the node's cache (SmartbisDb.Lease);
        // disposing the scope returns its context. The options are built once.
        builder.Services.AddPooledDbContextFactory<SmartbisDb>(o => SmartbisDbSetup.Configure(o, cs, pools.App));
        builder.Services.AddScoped(sp =>
        {
            var db = sp.GetRequiredService<IDbContextFactory<SmartbisDb>>().CreateDbContext();
            db.Lease(sp.GetRequiredService<Features.Tenancy.TenantContext>(), sp.GetService<Caching.ConfigCache>());
            return db;
        });
        builder.Services.AddHostedService<ConnectionBudgetCheck>();
        // Tenant configuration kept between requests, dropped on every node when PostgreSQL announces a change (Data/Caching).
        builder.Services.AddSingleton<Caching.ConfigCache>();
        builder.Services.AddHostedService<Caching.ConfigChangeListener>();
        builder.Services.AddScoped<DemoSeed>();
        builder.Services.AddScoped<DemoHistory>();
        return builder;
    }

    /// <summary>Migrates as the owner (ConnectionStrings:SmartbisMigrations) and grants the app role its rows.</summary>
    public static Task MigrateDatabaseAsync(this WebApplication app) =>
        DatabaseMigrator.MigrateAsync(
            DatabaseMigrator.MigrationsConnectionString(app.Configuration),
            DatabaseMigrator.RoleOf(DatabaseMigrator.AppConnectionString(app.Configuration)),
            app.Logger);

    /// <summary>Development conveniences: migrate on start and seed the demo tenants (never elsewhere).</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        var dev = app.Environment.IsDevelopment();
        if (app.Configuration.GetValue("Smartbis:MigrateOnStart", dev)) await app.MigrateDatabaseAsync();
        if (dev && app.Configuration.GetValue("Smartbis:Seed:Demo", true))
        {
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DemoSeed>().RunAsync();
        }
    }
}
