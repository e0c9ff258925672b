using Microsoft.EntityFrameworkCore;

namespace Smartbis.Web.Data;

public static class SmartbisDbSetup
{
    /// <summary>The one place that says how SmartbisDb talks to PostgreSQL (app, tests, design time).</summary>
    public static void Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
               .UseSnakeCaseNamingConvention()
               .AddInterceptors(TenantSessionInterceptor.Instance);
}
