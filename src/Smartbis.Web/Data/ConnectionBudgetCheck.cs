using Npgsql;

namespace Smartbis.Web.Data;

/// <summary>
/// At start, compares what the nodes may hold (Smartbis:Database:Nodes × (MaxPoolSize + JobsMaxPoolSize)) with what
/// PostgreSQL allows (max_connections − superuser_reserved_connections) and warns when the pools could exhaust the
/// server: then some requests would wait for a backend, and get 503 with Retry-After when none comes in time.
/// Never stops the app (the database may be down at start; it only warns).
/// </summary>
public sealed class ConnectionBudgetCheck(IConfiguration config, PoolSizes pools, ILogger<ConnectionBudgetCheck> log) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        if (!config.GetValue("Smartbis:Database:CheckConnectionBudget", true)) return;
        try
        {
            var cs = new NpgsqlConnectionStringBuilder(DatabaseMigrator.AppConnectionString(config)) { Pooling = false, Timeout = 5 };
            await using var connection = new NpgsqlConnection(cs.ConnectionString);
            await connection.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand(
                "SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int", connection);
            var available = Convert.ToInt32(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
            var wanted = pools.Nodes * (pools.App + pools.Jobs);
            if (wanted > available)
                log.LogWarning("{Nodes} node(s) × ({App} + {Jobs} pooled connections) = {Wanted} exceeds the {Available} connections PostgreSQL allows: " +
                               "lower Smartbis:Database:MaxPoolSize / JobsMaxPoolSize or raise max_connections (docs/reliability.md)",
                    pools.Nodes, pools.App, pools.Jobs, wanted, available);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            log.LogWarning("Could not read max_connections to check the connection budget: {Error}", e.Message);
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
