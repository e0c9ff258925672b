using System.Text.RegularExpressions;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Data;

/// <summary>
/// Applies the schema as the role that owns it: EF migrations (row-level security included), Hangfire's schema,
/// and the grants of the app role. The app role (the user of ConnectionStrings:Smartbis) owns nothing and gets
/// only row access: it cannot alter tables, drop or force-off their policies.
/// </summary>
public static partial class DatabaseMigrator
{
    /// <summary>The app's connection: a role that does not own the tables and has no BYPASSRLS.</summary>
    public const string AppConnectionName = "Smartbis";
    /// <summary>The migrations' connection: the role that owns the schema (falls back to the app's when absent).</summary>
    public const string MigrationsConnectionName = "SmartbisMigrations";
    public const string HangfireSchema = "hangfire";

    public static string AppConnectionString(IConfiguration config) =>
        config.GetConnectionString(AppConnectionName)
        ?? throw new InvalidOperationException(
            $"Set the connection string ConnectionStrings__{AppConnectionName} (./run.sh does this for you).");

    public static string MigrationsConnectionString(IConfiguration config) =>
        config.GetConnectionString(MigrationsConnectionName) is { Length: > 0 } cs ? cs : AppConnectionString(config);

    /// <summary>True when the app and the migrations use the same role (no separate owner configured).</summary>
    public static bool AppIsOwner(IConfiguration config) =>
        string.Equals(RoleOf(AppConnectionString(config)), RoleOf(MigrationsConnectionString(config)), StringComparison.Ordinal);

    public static string? RoleOf(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).Username;

    public static async Task MigrateAsync(string ownerConnectionString, string? appRole, ILogger log, CancellationToken ct = default)
    {
        var options = new DbContextOptionsBuilder<SmartbisDb>();
        SmartbisDbSetup.Configure(options, ownerConnectionString);
        await using (var db = SmartbisDb.Open(options.Options, new TenantContext()))
        {
            // EF reads the history table before creating it, which logs a scary error on a fresh database;
            // creating it first (the same shape EF uses) keeps a new user's first start clean.
            if (await db.Database.CanConnectAsync(ct))
                await db.Database.ExecuteSqlRawAsync(
                    "CREATE TABLE IF NOT EXISTS __ef_migrations_history (migration_id character varying(150) NOT NULL PRIMARY KEY, product_version character varying(32) NOT NULL)", ct);
            await db.Database.MigrateAsync(ct);
            // On a Citus cluster, distributes every declared table that is not yet distributed (an existing database
            // after CREATE EXTENSION citus and adding workers: docs/scaling.md); without Citus it does nothing.
            await db.Database.ExecuteSqlRawAsync($"CALL {Citus.DistributeProcedure}()", ct);
        }

        // Hangfire's tables are created (and upgraded) here, by the owner; the app never creates schema.
        var hangfire = new PostgreSqlStorageOptions { SchemaName = HangfireSchema, PrepareSchemaIfNecessary = true };
        _ = new PostgreSqlStorage(new NpgsqlConnectionFactory(ownerConnectionString, hangfire), hangfire);

        var owner = RoleOf(ownerConnectionString);
        if (appRole is null || appRole == owner)
        {
            log.LogWarning("The app connects as the schema owner ({Role}); give it a role of its own (ConnectionStrings__{App}) so that it cannot alter tables or their row-level security", owner, AppConnectionName);
        }
        else
        {
            await using var connection = new NpgsqlConnection(ownerConnectionString);
            await connection.OpenAsync(ct);
            await using var grant = new NpgsqlCommand(GrantSql(appRole), connection);
            await grant.ExecuteNonQueryAsync(ct);
            log.LogInformation("Granted row access to the app role {Role}", appRole);
        }
        log.LogInformation("Database migrated");
    }

    /// <summary>
    /// Exactly what the app role needs: rows of the app's tables and Hangfire's, their sequences, the procedure that
    /// sets the tenant, and the same on tables the owner creates later (default privileges). No DDL, no TRUNCATE,
    /// nothing on the migrations history. (The ledger's append-only trigger refuses UPDATE and DELETE for every role.)
    /// </summary>
    public static string GrantSql(string appRole)
    {
        if (!RoleName().IsMatch(appRole)) throw new ArgumentException($"Unexpected role name '{appRole}'.", nameof(appRole));
        var r = $"\"{appRole}\"";
        return $"""
            GRANT USAGE ON SCHEMA public TO {r};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {r};
            GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {r};
            REVOKE ALL ON TABLE __ef_migrations_history FROM {r};
            GRANT EXECUTE ON PROCEDURE {RowLevelSecurity.SetContextProcedure}(uuid, boolean) TO {r};
            ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {r};
            ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {r};
            GRANT USAGE ON SCHEMA {HangfireSchema} TO {r};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {HangfireSchema} TO {r};
            GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {HangfireSchema} TO {r};
            ALTER DEFAULT PRIVILEGES IN SCHEMA {HangfireSchema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {r};
            ALTER DEFAULT PRIVILEGES IN SCHEMA {HangfireSchema} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {r};
            """;
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex RoleName();
}
