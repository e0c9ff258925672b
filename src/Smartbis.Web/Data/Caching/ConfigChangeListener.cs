using Npgsql;

namespace Smartbis.Web.Data.Caching;

/// <summary>
/// Holds one connection that LISTENs on <see cref="Channel"/> and drops the <see cref="ConfigCache"/> entries of each
/// tenant named in a notification ("*" drops everything). The cache is on only while this connection is up: on any
/// error it is turned off and emptied, and once listening again it is emptied once more (changes made while nobody
/// listened were never heard) before it is turned back on. On a Citus cluster the triggers fire on the workers'
/// shards, whose notifications never reach the coordinator: the cache stays off there.
/// </summary>
public sealed class ConfigChangeListener(ConfigCache cache, IConfiguration config, ILogger<ConfigChangeListener> log) : BackgroundService
{
    public const string Channel = "smartbis_config";

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (!config.GetValue("Smartbis:Caching:Enabled", true)) return;
        var cs = DatabaseMigrator.AppConnectionString(config);
        if (SmartbisDbSetup.IsCitus(cs))
        {
            log.LogInformation("Configuration cache off: on a Citus cluster the change notifications fire on the workers");
            return;
        }
        var delay = TimeSpan.FromMilliseconds(500);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                // Its own connection, outside the pool: it lives as long as the app and only waits.
                var b = new NpgsqlConnectionStringBuilder(cs) { Pooling = false, KeepAlive = 30, ApplicationName = "smartbis-config-listener" };
                await using var connection = new NpgsqlConnection(b.ConnectionString);
                await connection.OpenAsync(stop);
                connection.Notification += (_, e) => Apply(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stop);
                cache.Enable();
                delay = TimeSpan.FromMilliseconds(500);
                while (!stop.IsCancellationRequested) await connection.WaitAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or IOException or InvalidOperationException or TimeoutException)
            {
                cache.Disable();
                log.LogWarning(e, "Configuration cache off until the change listener reconnects");
                try { await Task.Delay(delay, stop); } catch (OperationCanceledException) { break; }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
            finally
            {
                cache.Disable();
            }
        }
    }

    private void Apply(string payload)
    {
        cache.Hear(Guid.TryParse(payload, out var tenant) ? tenant : ConfigCache.Global);
    }
}
