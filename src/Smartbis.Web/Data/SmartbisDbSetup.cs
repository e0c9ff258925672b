using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Smartbis.Web.Data;

public static class SmartbisDbSetup
{
    /// <summary>The one place that says how SmartbisDb talks to PostgreSQL (app, tests, design time).</summary>
    public static void Configure(DbContextOptionsBuilder options, string connectionString, int? maxPoolSize = null) =>
        options.UseNpgsql(WithDefaults(connectionString, maxPoolSize), npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
               .UseSnakeCaseNamingConvention()
               // The row-lock clause first: the tenant interceptor then prefixes (or, on Citus, wraps) the finished command.
               .AddInterceptors(RowLockInterceptor.Instance,
                   IsCitus(connectionString) ? TenantSessionInterceptor.ForCitus : TenantSessionInterceptor.Instance,
                   Caching.ConfigChangeInterceptor.Instance);

    private static readonly ConcurrentDictionary<string, bool> CitusByDatabase = new();
    // A database that could not be asked is asked again after a pause, not on every DbContext (an outage). The pause is
    // measured on the monotonic tick count: a retry interval, not business time (which comes from TimeProvider).
    private static readonly ConcurrentDictionary<string, long> CitusUnknownUntil = new();

    /// <summary>
    /// True when the database has the citus extension (a Citus coordinator: docs/scaling.md). Asked once per connection
    /// string and remembered; a database that cannot be reached yet (design time, not created yet) counts as plain
    /// PostgreSQL and is asked again next time.
    /// </summary>
    public static bool IsCitus(string connectionString)
    {
        if (CitusByDatabase.TryGetValue(connectionString, out var known)) return known;
        if (CitusUnknownUntil.TryGetValue(connectionString, out var until) && Environment.TickCount64 < until) return false;
        try
        {
            var b = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 5 };
            using var connection = new NpgsqlConnection(b.ConnectionString);
            connection.Open();
            using var command = new NpgsqlCommand("SELECT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus')", connection);
            var citus = (bool)command.ExecuteScalar()!;
            CitusByDatabase[connectionString] = citus;
            return citus;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or ArgumentException)
        {
            CitusUnknownUntil[connectionString] = Environment.TickCount64 + 10_000;
            return false;
        }
    }

    /// <summary>
    /// Npgsql's automatic preparation, unless the connection string says otherwise: the app sends the same few dozen
    /// statements all day, and preparing them saved 15–35% per request on a 2-core machine (shared/MEASUREMENTS.md).
    /// The pool's size, unless the connection string states it (<c>Maximum Pool Size</c>): <paramref name="maxPoolSize"/>
    /// (<c>Smartbis:Database:MaxPoolSize</c>, see <see cref="PoolSizes"/>); that pool keeps what it opens (its minimum is
    /// its maximum, unless the string states a <c>Minimum Pool Size</c>).
    /// </summary>
    public static string WithDefaults(string connectionString, int? maxPoolSize = null) =>
        // Asked for every DbContext (AddDbContext configures each one): parsed once per connection string.
        Configured.GetOrAdd((connectionString, maxPoolSize), k => Build(k.ConnectionString, k.MaxPoolSize));

    private static readonly ConcurrentDictionary<(string ConnectionString, int? MaxPoolSize), string> Configured = new();

    /// <remarks>
    /// Also <c>No Reset On Close</c>, unless stated: with automatic preparation, Npgsql resets a pooled connection on
    /// every return with seven statements (DISCARD SEQUENCES and TEMP, advisory unlock, CLOSE ALL, RESET ALL, UNLISTEN,
    /// SET SESSION AUTHORIZATION), and a request borrows a connection several times: 28 of the balance API's 39
    /// statements were resets (docs/performance.md). The app leaves no session state behind: the tenant is set per
    /// transaction (<c>SET LOCAL</c>), advisory locks are transaction locks, temporary tables drop at commit, and an
    /// open transaction is rolled back when a connection returns to the pool.
    /// </remarks>
    private static string Build(string connectionString, int? maxPoolSize)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        if (!States(connectionString, "Max Auto Prepare", "MaxAutoPrepare"))
            b.MaxAutoPrepare = 64;
        if (!States(connectionString, "No Reset On Close", "NoResetOnClose"))
            b.NoResetOnClose = true;
        if (maxPoolSize is { } size && !PoolSizes.StatesPoolSize(connectionString))
            b.MaxPoolSize = size;
        if (maxPoolSize is not null) KeepOpen(b, connectionString);
        return b.ConnectionString;
    }

    /// <summary>
    /// A pool of the app's (pages, API, jobs' work, Hangfire's storage) keeps the connections it opened, unless the string
    /// states a <c>Minimum Pool Size</c>. Npgsql closes connections left idle (by the median of its 10 s samples over
    /// <c>Connection Idle Lifetime</c>, 300 s), and a load that leaves one or two idle (8 clients on a pool of 8; Hangfire's
    /// storage, used for one enqueue every few seconds) had them closed and opened again under load: a new backend
    /// authenticates, loads its catalog caches, and plans and prepares every statement again (automatic preparation is
    /// per connection), and the requests that drew it waited. The pools are small, and ConnectionBudgetCheck already
    /// counts all of them.
    /// </summary>
    internal static void KeepOpen(NpgsqlConnectionStringBuilder b, string connectionString)
    {
        if (!States(connectionString, "Minimum Pool Size", "Min Pool Size", "MinPoolSize"))
            b.MinPoolSize = b.MaxPoolSize;
    }

    internal static bool States(string connectionString, params string[] keys)
    {
        var parsed = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return keys.Any(parsed.ContainsKey);
    }
}

/// <summary>
/// How many PostgreSQL connections a node may hold (docs/reliability.md, "Connections and 503"). Npgsql's default pool (100)
/// equals PostgreSQL's default max_connections (100): one busy node could take every backend and the next connection
/// failed with 53300 (500s under load). Each node now holds at most <see cref="App"/> connections for pages, the API and
/// jobs' work, plus <see cref="Jobs"/> for Hangfire's own storage; nodes × (App + Jobs) must stay below
/// max_connections − superuser_reserved_connections (a warning at start says when it does not).
/// </summary>
public sealed record PoolSizes(int App, int Jobs, int Nodes)
{
    /// <summary>
    /// <c>Smartbis:Database:MaxPoolSize</c> (default 4 × cores, from 8 to 32 — a small pool was also the faster one:
    /// shared/MEASUREMENTS.md), <c>Smartbis:Database:JobsMaxPoolSize</c> (default Hangfire workers + 5),
    /// <c>Smartbis:Database:Nodes</c> (default 1, only for the warning). A connection string that states
    /// <c>Maximum Pool Size</c> wins over the setting.
    /// </summary>
    public static PoolSizes From(IConfiguration config)
    {
        var app = config.GetValue<int?>("Smartbis:Database:MaxPoolSize") ?? Math.Clamp(4 * Environment.ProcessorCount, 8, 32);
        var workers = config.GetValue("Smartbis:Hangfire:Workers", Math.Max(2, Environment.ProcessorCount));
        var jobs = config.GetValue<int?>("Smartbis:Database:JobsMaxPoolSize") ?? Math.Max(0, workers) + 5;
        var nodes = config.GetValue<int?>("Smartbis:Database:Nodes") ?? 1;
        if (app < 1) throw new InvalidOperationException("Smartbis:Database:MaxPoolSize must be at least 1.");
        if (jobs < 1) throw new InvalidOperationException("Smartbis:Database:JobsMaxPoolSize must be at least 1.");
        return new PoolSizes(app, jobs, Math.Max(1, nodes));
    }

    public static bool StatesPoolSize(string connectionString) =>
        SmartbisDbSetup.States(connectionString, "Maximum Pool Size", "Max Pool Size", "MaxPoolSize");

    /// <summary>Hangfire's connection string: its own pool, sized for its workers (unless the string states a size), kept open.</summary>
    public string ForJobs(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        if (!StatesPoolSize(connectionString)) b.MaxPoolSize = Jobs;
        SmartbisDbSetup.KeepOpen(b, connectionString);
        return b.ConnectionString;
    }
}
