using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Smartbis.Web.Data;

public static class SmartbisDbSetup
{
    /// <summary>The one place that says how SmartbisDb talks to PostgreSQL (app, tests, design time).</summary>
    public static void Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(WithDefaults(connectionString), npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
               .UseSnakeCaseNamingConvention()
               .AddInterceptors(TenantSessionInterceptor.Instance);

    /// <summary>
    /// Npgsql's automatic preparation, unless the connection string says otherwise: the app sends the same few dozen
    /// statements all day, and preparing them saved 15–35% per request on a 2-core machine (shared/MEASUREMENTS.md).
    /// </summary>
    public static string WithDefaults(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase) &&
            !connectionString.Contains("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase))
            b.MaxAutoPrepare = 64;
        return b.ConnectionString;
    }
}
