using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data.Seed;

namespace Smartbis.Web.Data;

public static class DatabaseStartup
{
    public static IHostApplicationBuilder AddSmartbisData(this IHostApplicationBuilder builder)
    {
        var cs = builder.Configuration.GetConnectionString("Smartbis")
                 ?? throw new InvalidOperationException(
                     "Set the connection string ConnectionStrings__Smartbis (./run.sh does this for you).");
        builder.Services.AddScoped<Features.Tenancy.TenantContext>();
        builder.Services.AddDbContext<SmartbisDb>(o => SmartbisDbSetup.Configure(o, cs));
        builder.Services.AddScoped<DemoSeed>();
        builder.Services.AddScoped<DemoHistory>();
        return builder;
    }

    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SmartbisDb>();
        // EF reads the history table before creating it, which logs a scary error on a fresh database;
        // creating it first (the same shape EF uses) keeps a new user's first start clean.
        if (await db.Database.CanConnectAsync())
            await db.Database.ExecuteSqlRawAsync(
                "CREATE TABLE IF NOT EXISTS __ef_migrations_history (migration_id character varying(150) NOT NULL PRIMARY KEY, product_version character varying(32) NOT NULL)");
        await db.Database.MigrateAsync();
        app.Logger.LogInformation("Database migrated");
    }

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
