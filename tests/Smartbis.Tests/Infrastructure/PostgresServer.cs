using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Tests.Infrastructure;

/// <summary>
/// The one PostgreSQL server of a test run, shared by every test class of the process.
/// <para>
/// If <c>SMARTBIS_TEST_PG</c> holds an Npgsql connection string to a superuser, that server is used.
/// Otherwise a throwaway cluster is initdb'd from the machine's PostgreSQL binaries into a temp folder
/// (fsync off: nothing in it needs to survive), started on a free loopback port, and stopped and deleted
/// when the process exits; a detached watchdog does the same if the test host is killed.
/// </para>
/// <para>
/// One database is migrated once (EF migrations + Hangfire's schema) and used as a template:
/// <see cref="CreateDatabaseAsync"/> clones it in milliseconds, so every test class gets its own database.
/// </para>
/// <para>
/// A Citus coordinator works too (<c>./test.sh --citus</c>): when the server's maintenance database has the citus
/// extension, its workers are read from <c>pg_dist_node</c> and every database exists on every node. The template is
/// migrated once on the cluster (tables distributed and their shards placed on the workers); a clone is the same
/// <c>CREATE DATABASE … TEMPLATE</c> on every node under the same name: the coordinator's copy holds the metadata,
/// the workers' copies hold the same shards, so the clone is a consistent cluster database of its own.
/// </para>
/// </summary>
public sealed class PostgresServer
{
    public const string EnvironmentVariable = "SMARTBIS_TEST_PG";

    /// <summary>
    /// The role the app under test connects as, like production: it owns no table and has no BYPASSRLS, so
    /// row-level security applies to everything it does. The admin (superuser) owns and migrates the schema.
    /// </summary>
    public const string AppRole = "smartbis_app";
    private const string AppPassword = "smartbis_app";

    private static readonly Lazy<Task<PostgresServer>> Shared =
        new(() => Task.Run(StartAsync), LazyThreadSafetyMode.ExecutionAndPublication);

    private static int databaseCounter;

    private readonly ThrowawayCluster? cluster;
    private readonly NpgsqlDataSource admin;
    // Citus: the workers' maintenance databases (same credentials), empty on plain PostgreSQL.
    private List<NpgsqlDataSource> workers = [];
    private readonly Lazy<Task<string>> template;
    // Names carry the run's start (hours since 1970) and a random id: unique per process, and a shared server
    // can tell the leftovers of long-dead runs apart (see DropStaleDatabasesAsync).
    private readonly string runId = $"{DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 3600}_{Guid.NewGuid().ToString("N")[..8]}";

    private PostgresServer(string adminConnectionString, ThrowawayCluster? cluster)
    {
        AdminConnectionString = adminConnectionString;
        this.cluster = cluster;
        admin = NpgsqlDataSource.Create(adminConnectionString);
        template = new(() => Task.Run(BuildTemplateAsync), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The server of this process, started (or connected to) on first use; concurrent callers share it.</summary>
    public static Task<PostgresServer> GetAsync() => Shared.Value;

    /// <summary>
    /// A throwaway cluster of its own, never the shared one, for a test that restarts PostgreSQL under the app.
    /// Stop it with <see cref="StopDedicated"/>.
    /// </summary>
    public static async Task<PostgresServer> StartDedicatedAsync()
    {
        // Committed means on disk for the server (synchronous_commit on, as in production): a crash restart must not
        // take back what the app acknowledged. (The shared cluster trades that away for speed.)
        var cluster = await ThrowawayCluster.StartAsync(durableCommits: true);
        var server = new PostgresServer(cluster.ConnectionString, cluster);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.StopDedicated();
        await server.ExecuteAdminAsync("SELECT 1");
        await server.EnsureAppRoleAsync();
        return server;
    }

    /// <summary>
    /// Restarts a throwaway cluster the way a crash does (<c>pg_ctl restart -m immediate</c>: every backend killed,
    /// crash recovery on start), on the same port. Returns how long the server was down.
    /// </summary>
    public async Task<TimeSpan> RestartAsync()
    {
        var down = await (cluster ?? throw new InvalidOperationException("Only a throwaway cluster can be restarted by a test.")).RestartAsync();
        admin.Clear(); // its idle connections died with the old server
        return down;
    }

    /// <summary>Stops a cluster from <see cref="StartDedicatedAsync"/> (other servers' pools are left alone).</summary>
    public void StopDedicated()
    {
        try { admin.Dispose(); } catch { /* stopping anyway */ }
        cluster?.Stop();
    }

    /// <summary>A superuser connection to the server's maintenance database.</summary>
    public string AdminConnectionString { get; }

    /// <summary>True when this process started its own cluster (false when <c>SMARTBIS_TEST_PG</c> named one).</summary>
    public bool IsThrowaway => cluster is not null;

    /// <summary>True when the server is a Citus coordinator with workers (<c>./test.sh --citus</c>).</summary>
    public bool IsCitus => workers.Count > 0;

    /// <summary>True when the process runs against a Citus cluster (SMARTBIS_TEST_CITUS=1, set by <c>./test.sh --citus</c>).</summary>
    public static bool CitusRun => Environment.GetEnvironmentVariable("SMARTBIS_TEST_CITUS") == "1";

    /// <summary>
    /// A fresh database cloned from the migrated template (EF schema + Hangfire schema, no rows).
    /// Returns its connection string. <paramref name="label"/> only makes the name easier to spot.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string? label = null)
    {
        var source = await template.Value;
        var name = NewDatabaseName(label);
        // CREATE DATABASE … TEMPLATE fails while anyone is connected to the template; nobody should be, but retry briefly.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await OnEveryNodeAsync($"""CREATE DATABASE "{name}" TEMPLATE "{source}" """, skipExisting: IsCitus);
                return ConnectionStringFor(name);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 50)
            {
                // Citus: a node's maintenance daemon may still sit in the template (it cannot come back: the template
                // allows no connections).
                if (IsCitus) await OnEveryNodeAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{source}'");
                await Task.Delay(100);
            }
        }
    }

    /// <summary>A fresh, empty database (no migrations applied). Returns its connection string.</summary>
    public async Task<string> CreateEmptyDatabaseAsync(string? label = null)
    {
        var name = NewDatabaseName(label);
        await CreateClusterDatabaseAsync(name);
        return ConnectionStringFor(name);
    }

    /// <summary>
    /// An empty database; on Citus on every node, with the extension, and the coordinator told its workers (what an
    /// operator does once per database: docs/scaling.md).
    /// </summary>
    private async Task CreateClusterDatabaseAsync(string name)
    {
        await OnEveryNodeAsync($"""CREATE DATABASE "{name}" """);
        if (!IsCitus) return;
        foreach (var node in Nodes())
        {
            var cs = new NpgsqlConnectionStringBuilder(node.ConnectionString) { Database = name, Pooling = false }.ConnectionString;
            await using var c = new NpgsqlConnection(cs);
            await c.OpenAsync();
            await using var ext = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS citus", c);
            await ext.ExecuteNonQueryAsync();
        }
        var coordinator = new NpgsqlConnectionStringBuilder(AdminConnectionString);
        await using var conn = new NpgsqlConnection(ConnectionStringFor(name, pooling: false));
        await conn.OpenAsync();
        await using (var set = new NpgsqlCommand($"SELECT citus_set_coordinator_host('{coordinator.Host}', {coordinator.Port})", conn))
            await set.ExecuteNonQueryAsync();
        foreach (var w in workers)
        {
            var b = new NpgsqlConnectionStringBuilder(w.ConnectionString);
            await using var add = new NpgsqlCommand($"SELECT citus_add_node('{b.Host}', {b.Port})", conn);
            await add.ExecuteNonQueryAsync();
        }
    }

    private IEnumerable<NpgsqlDataSource> Nodes() => [admin, .. workers];

    /// <summary>Runs <paramref name="sql"/> on the maintenance database of every node (only the server's on plain PostgreSQL).</summary>
    private async Task OnEveryNodeAsync(string sql, bool skipExisting = false)
    {
        foreach (var node in Nodes())
        {
            await using var command = node.CreateCommand(sql);
            try
            {
                await command.ExecuteNonQueryAsync();
            }
            catch (PostgresException e) when (skipExisting && e.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                // A retry after another node refused: this node made its copy already.
            }
        }
    }

    /// <summary>Drops the database of <paramref name="connectionString"/>, ending any connection still open to it.</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database
                   ?? throw new ArgumentException("The connection string names no database.", nameof(connectionString));
        using (var connection = new NpgsqlConnection(connectionString)) NpgsqlConnection.ClearPool(connection);
        await OnEveryNodeAsync($"""DROP DATABASE IF EXISTS "{name}" WITH (FORCE)""");
    }

    /// <summary>The connection string for database <paramref name="database"/> on this server.</summary>
    public string ConnectionStringFor(string database, bool pooling = true)
    {
        var b = new NpgsqlConnectionStringBuilder(AdminConnectionString)
        {
            Database = database,
            Pooling = pooling,
            IncludeErrorDetail = true,
        };
        return b.ConnectionString;
    }

    /// <summary>The same database as <paramref name="connectionString"/>, as the app role (<see cref="AppRole"/>).</summary>
    public static string AsAppRole(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Username = AppRole, Password = AppPassword }.ConnectionString;

    /// <summary>Runs one statement on the maintenance database.</summary>
    public async Task ExecuteAdminAsync(string sql)
    {
        await using var command = admin.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private string NewDatabaseName(string? label)
    {
        var n = Interlocked.Increment(ref databaseCounter);
        var clean = new string((label ?? "").ToLowerInvariant().Where(c => c is >= 'a' and <= 'z' or >= '0' and <= '9').Take(24).ToArray());
        // Process-unique (run id) so two test processes sharing SMARTBIS_TEST_PG never collide.
        return clean.Length == 0 ? $"smartbis_t_{runId}_{n}" : $"smartbis_t_{runId}_{n}_{clean}";
    }

    private async Task<string> BuildTemplateAsync()
    {
        var name = $"smartbis_template_{runId}";
        await CreateClusterDatabaseAsync(name);
        // No pooling: an idle pooled connection to the template would block CREATE DATABASE … TEMPLATE.
        var cs = ConnectionStringFor(name, pooling: false);
        // The production path: migrations, Hangfire's schema and the app role's grants, as the owner. The clones
        // inherit all of it (grants and default privileges live in the database; the role in the cluster).
        await DatabaseMigrator.MigrateAsync(cs, AppRole, NullLogger.Instance);

        await OnEveryNodeAsync($"""ALTER DATABASE "{name}" WITH IS_TEMPLATE true""");
        if (IsCitus)
        {
            // Citus keeps a maintenance daemon connected to every database that has the extension; a template must have
            // no one connected. No connections allowed, then the daemons ended: they cannot come back.
            await OnEveryNodeAsync($"""ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false""");
            await OnEveryNodeAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'");
        }
        return name;
    }

    private static async Task<PostgresServer> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable(EnvironmentVariable);
        PostgresServer server;
        if (!string.IsNullOrWhiteSpace(external))
        {
            server = new PostgresServer(external, null);
            await server.FindCitusWorkersAsync();
            await server.DropStaleDatabasesAsync();
        }
        else
        {
            var cluster = await ThrowawayCluster.StartAsync();
            server = new PostgresServer(cluster.ConnectionString, cluster);
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Shutdown();
        await server.ExecuteAdminAsync("SELECT 1");
        await server.EnsureAppRoleAsync();
        return server;
    }

    /// <summary>On a Citus coordinator: a data source per worker (the maintenance database, the admin's credentials).</summary>
    private async Task FindCitusWorkersAsync()
    {
        await using var find = admin.CreateCommand("""
            SELECT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus')
            """);
        if (!(bool)(await find.ExecuteScalarAsync())!)
        {
            if (CitusRun) throw new InvalidOperationException($"SMARTBIS_TEST_CITUS=1 but {EnvironmentVariable} names no Citus coordinator (no citus extension in its database).");
            return;
        }
        await using var nodes = admin.CreateCommand("SELECT nodename, nodeport FROM pg_dist_node WHERE groupid <> 0 AND noderole = 'primary' AND isactive ORDER BY nodeid");
        await using var reader = await nodes.ExecuteReaderAsync();
        var list = new List<NpgsqlDataSource>();
        while (await reader.ReadAsync())
            list.Add(NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(AdminConnectionString) { Host = reader.GetString(0), Port = reader.GetInt32(1) }.ConnectionString));
        workers = list;
    }

    /// <summary>Creates the app role once per cluster (roles are cluster-wide; a shared server may have it already).</summary>
    private async Task EnsureAppRoleAsync()
    {
        try
        {
            await ExecuteAdminAsync($"""
                DO $$ BEGIN
                  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{AppRole}') THEN
                    CREATE ROLE {AppRole} LOGIN PASSWORD '{AppPassword}' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
                  END IF;
                END $$;
                """);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateObject or PostgresErrorCodes.UniqueViolation)
        {
            // Another test process on the same server created it a moment ago.
        }
    }

    private void Shutdown()
    {
        try
        {
            if (cluster is null)
            {
                // A shared server outlives us: leave it as we found it (best effort).
                DropOwnDatabases();
            }
            NpgsqlConnection.ClearAllPools();
            admin.Dispose();
            foreach (var w in workers) w.Dispose();
        }
        catch
        {
            // Process exit: nothing useful to do with an error here.
        }
        cluster?.Stop();
    }

    /// <summary>
    /// A killed run leaves its databases on a shared server; drop those of runs that started over a day ago
    /// (no test run lasts that long), never those of a run that may still be going.
    /// </summary>
    private async Task DropStaleDatabasesAsync()
    {
        var cutoff = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 3600 - 24;
        var names = new List<string>();
        await using (var find = admin.CreateCommand(
                         "SELECT datname FROM pg_database WHERE datname ~ '^smartbis_(t|template)_[0-9]+_'"))
        await using (var reader = await find.ExecuteReaderAsync())
            while (await reader.ReadAsync()) names.Add(reader.GetString(0));
        foreach (var name in names)
        {
            var hours = name.Split('_')[2];
            if (!long.TryParse(hours, out var started) || started >= cutoff) continue;
            try
            {
                await OnEveryNodeAsync($"""ALTER DATABASE "{name}" WITH IS_TEMPLATE false""");
                await OnEveryNodeAsync($"""DROP DATABASE IF EXISTS "{name}" WITH (FORCE)""");
            }
            catch (PostgresException)
            {
                // Someone else is cleaning up too; fine.
            }
        }
    }

    private void DropOwnDatabases()
    {
        using var find = admin.CreateCommand("SELECT datname FROM pg_database WHERE datname LIKE @a OR datname LIKE @b");
        find.Parameters.AddWithValue("a", $"smartbis_t_{runId}_%");
        find.Parameters.AddWithValue("b", $"smartbis_template_{runId}");
        var names = new List<string>();
        using (var reader = find.ExecuteReader())
            while (reader.Read()) names.Add(reader.GetString(0));
        foreach (var name in names)
        {
            // A template cannot be dropped until it stops being one; DROP DATABASE must run on its own.
            foreach (var node in Nodes())
            {
                try
                {
                    using (var alter = node.CreateCommand($"""ALTER DATABASE "{name}" WITH IS_TEMPLATE false"""))
                        alter.ExecuteNonQuery();
                    using var drop = node.CreateCommand($"""DROP DATABASE IF EXISTS "{name}" WITH (FORCE)""");
                    drop.ExecuteNonQuery();
                }
                catch (PostgresException)
                {
                    // Not on this worker (best effort at exit).
                }
            }
        }
    }
}

/// <summary>Opens a <see cref="SmartbisDb"/> outside any app host (tests that only need the database).</summary>
public static class TestDb
{
    public static SmartbisDb Open(string connectionString, Guid? tenantId = null, bool throwOnPendingModelChanges = true)
    {
        var options = new DbContextOptionsBuilder<SmartbisDb>();
        SmartbisDbSetup.Configure(options, connectionString);
        if (!throwOnPendingModelChanges)
            options.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
        var tenant = new TenantContext();
        if (tenantId is { } id) tenant.Set(id);
        return SmartbisDb.Open(options.Options, tenant);
    }
}

/// <summary>Free loopback TCP ports for servers the tests start.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<bool> AcceptsAsync(int port, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        return false;
    }
}

/// <summary>A PostgreSQL cluster in a temp folder, alive for the test process only.</summary>
internal sealed class ThrowawayCluster
{
    private readonly string root;
    private readonly string binDir;
    private readonly bool asPostgresUser;
    private int stopped;

    private ThrowawayCluster(string root, string binDir, bool asPostgresUser)
    {
        this.root = root;
        this.binDir = binDir;
        this.asPostgresUser = asPostgresUser;
    }

    public int Port { get; private set; }
    private string DataDir => Path.Combine(root, "data");
    private string LogFile => Path.Combine(root, "postgres.log");

    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = "postgres",
        // The cluster trusts loopback connections; no password exists.
        Timeout = 30,
        CommandTimeout = 120,
    }.ConnectionString;

    public static async Task<ThrowawayCluster> StartAsync(bool durableCommits = false)
    {
        var binDir = FindBinDir();
        var asPostgresUser = Environment.UserName == "root"; // initdb and postgres refuse to run as root
        // Short path: the unix socket (root/.s.PGSQL.port) must fit in 107 bytes.
        var tmp = Path.GetTempPath().Length <= 40 ? Path.GetTempPath() : "/tmp";
        var root = Path.Combine(tmp, "smartbis-pg-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(root);
        var cluster = new ThrowawayCluster(root, binDir, asPostgresUser);
        try
        {
            if (asPostgresUser) await Run("chown", ["postgres:postgres", root], root, TimeSpan.FromSeconds(30));
            cluster.StartWatchdog();
            await cluster.InitDbAsync(durableCommits);
            await cluster.StartServerAsync();
            return cluster;
        }
        catch
        {
            cluster.Stop();
            throw;
        }
    }

    private async Task InitDbAsync(bool durableCommits)
    {
        string[] common = ["-D", DataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"];
        var first = await RunPg("initdb", [.. common, "--locale=C.UTF-8"], TimeSpan.FromMinutes(2));
        if (first.ExitCode != 0)
        {
            // Machines without the C.UTF-8 locale: fall back to plain C.
            if (Directory.Exists(DataDir)) Directory.Delete(DataDir, recursive: true);
            var second = await RunPg("initdb", [.. common, "--no-locale"], TimeSpan.FromMinutes(2));
            if (second.ExitCode != 0)
                throw new InvalidOperationException($"initdb failed:\n{first.Output}\n{second.Output}");
        }

        // Appended as the last word in postgresql.conf. The file keeps its owner (postgres) when root appends.
        await File.AppendAllTextAsync(Path.Combine(DataDir, "postgresql.conf"), $"""

            # smartbis tests: a throwaway cluster, durability is worthless here
            listen_addresses = '127.0.0.1'
            unix_socket_directories = '{root}'
            fsync = off
            full_page_writes = off
            synchronous_commit = {(durableCommits ? "on" : "off")}
            max_connections = 300
            jit = off
            max_wal_size = '1GB'
            log_min_messages = warning
            """);
    }

    private async Task StartServerAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort.Next();
            var result = await RunPg("pg_ctl",
                ["start", "-w", "-t", "60", "-D", DataDir, "-l", LogFile, "-o", $"-p {Port}"], TimeSpan.FromSeconds(90));
            if (result.ExitCode == 0) return;
            var log = File.Exists(LogFile) ? await File.ReadAllTextAsync(LogFile) : "";
            // Another process may have taken the port between our probe and the bind: try another.
            if (attempt < 5 && log.Contains("could not bind", StringComparison.OrdinalIgnoreCase)) continue;
            throw new InvalidOperationException($"PostgreSQL did not start:\n{result.Output}\n{log}");
        }
    }

    /// <summary>
    /// A detached shell that outlives a killed test host: once our process is gone it stops postgres
    /// (SIGQUIT = immediate shutdown) and deletes the folder. On a normal exit <see cref="Stop"/> got there first.
    /// </summary>
    private void StartWatchdog()
    {
        const string script = """
            exec </dev/null >/dev/null 2>&1
            while kill -0 "$1" 2>/dev/null; do sleep 1; done
            pid=$(head -n 1 "$2/data/postmaster.pid" 2>/dev/null)
            if [ -n "$pid" ]; then
              kill -QUIT "$pid" 2>/dev/null
              i=0
              while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
              kill -KILL "$pid" 2>/dev/null
            fi
            rm -rf "$2"
            """;
        var psi = new ProcessStartInfo(File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : "/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (psi.FileName != "/bin/sh") psi.ArgumentList.Add("/bin/sh");
        foreach (var a in new[] { "-c", script, "smartbis-pg-watchdog", Environment.ProcessId.ToString(), root })
            psi.ArgumentList.Add(a);
        using var _ = Process.Start(psi);
    }

    public async Task<TimeSpan> RestartAsync()
    {
        var watch = Stopwatch.StartNew();
        // pg_ctl restart starts the server again with the options it was started with (postmaster.opts: the port).
        var result = await RunPg("pg_ctl", ["restart", "-D", DataDir, "-m", "immediate", "-w", "-t", "60", "-l", LogFile], TimeSpan.FromSeconds(90));
        if (result.ExitCode != 0)
        {
            var log = File.Exists(LogFile) ? await File.ReadAllTextAsync(LogFile) : "";
            throw new InvalidOperationException($"PostgreSQL did not restart:\n{result.Output}\n{log}");
        }
        return watch.Elapsed;
    }

    public void Stop()
    {
        if (Interlocked.Exchange(ref stopped, 1) == 1) return;
        try
        {
            if (File.Exists(Path.Combine(DataDir, "postmaster.pid")))
                RunPg("pg_ctl", ["stop", "-D", DataDir, "-m", "immediate", "-w", "-t", "30"], TimeSpan.FromSeconds(40))
                    .GetAwaiter().GetResult();
        }
        catch
        {
            // Fall through to deleting what we can; the watchdog finishes the job otherwise.
        }
        try { Directory.Delete(root, recursive: true); } catch { /* the watchdog retries */ }
    }

    private Task<(int ExitCode, string Output)> RunPg(string tool, string[] args, TimeSpan timeout)
    {
        var exe = Path.Combine(binDir, tool);
        return asPostgresUser
            ? Run("runuser", ["-u", "postgres", "--", exe, .. args], root, timeout)
            : Run(exe, args, root, timeout);
    }

    private static async Task<(int ExitCode, string Output)> Run(string file, string[] args, string workDir, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workDir,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var output = new StringBuilder();
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.Start();
        p.StandardInput.Close();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            try { p.Kill(entireProcessTree: true); } catch { /* already gone */ }
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeout}:\n{output}");
        }
        lock (output) return (p.ExitCode, $"$ {file} {string.Join(' ', args)}\n{output}");
    }

    private static string FindBinDir()
    {
        var fromEnv = Environment.GetEnvironmentVariable("SMARTBIS_PG_BIN");
        if (!string.IsNullOrEmpty(fromEnv) && File.Exists(Path.Combine(fromEnv, "initdb"))) return fromEnv;
        const string debian = "/usr/lib/postgresql";
        if (Directory.Exists(debian))
        {
            var best = Directory.GetDirectories(debian)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(x => File.Exists(Path.Combine(x.Dir, "initdb")))
                .OrderByDescending(x => x.Version)
                .FirstOrDefault();
            if (best.Dir is not null) return best.Dir;
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists(Path.Combine(dir, "initdb"))) return dir;
        throw new InvalidOperationException(
            $"No PostgreSQL server binaries found (looked in SMARTBIS_PG_BIN, {debian}/*/bin, PATH). " +
            $"Install PostgreSQL (./test.sh does) or set {PostgresServer.EnvironmentVariable} to a superuser connection string.");
    }
}
