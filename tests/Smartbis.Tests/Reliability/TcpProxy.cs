using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Smartbis.Tests.Reliability;

/// <summary>
/// A loopback TCP proxy in front of PostgreSQL that a test can cut: every open connection is dropped and new ones
/// are refused until it is restored — to the app, the same as the database restarting or the network failing.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentDictionary<Guid, (TcpClient Client, TcpClient Server)> links = new();
    private readonly CancellationTokenSource stop = new();
    private readonly string targetHost;
    private readonly int targetPort;
    private volatile bool down;

    public TcpProxy(string targetHost, int targetPort)
    {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _ = AcceptLoopAsync();
    }

    public int Port { get; }
    /// <summary>Connections dropped by <see cref="Cut"/> and refused while down: proof the fault happened.</summary>
    public int Dropped;
    /// <summary>New connections refused while down: the app kept trying to reach the database.</summary>
    public int Refused;

    /// <summary>Waits (on the event, not a fixed time) until <paramref name="count"/> new connections have been refused since the cut.</summary>
    public async Task WaitForRefusedAsync(int count, TimeSpan? timeout = null)
    {
        var start = Volatile.Read(ref Refused);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        while (Volatile.Read(ref Refused) - start < count)
            await Task.Delay(10, cts.Token);
    }

    /// <summary>Drops every live connection and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        down = true;
        foreach (var (id, link) in links)
        {
            if (!links.TryRemove(id, out _)) continue;
            Interlocked.Increment(ref Dropped);
            link.Client.Dispose();
            link.Server.Dispose();
        }
    }

    public void Restore() => down = false;

    private async Task AcceptLoopAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(stop.Token); }
            catch (Exception) { return; }
            if (down)
            {
                Interlocked.Increment(ref Dropped);
                Interlocked.Increment(ref Refused);
                client.Dispose();
                continue;
            }
            var server = new TcpClient();
            try { await server.ConnectAsync(targetHost, targetPort, stop.Token); }
            catch (Exception) { client.Dispose(); server.Dispose(); continue; }
            var id = Guid.NewGuid();
            links[id] = (client, server);
            _ = PumpAsync(id, client.GetStream(), server.GetStream());
            _ = PumpAsync(id, server.GetStream(), client.GetStream());
        }
    }

    private async Task PumpAsync(Guid id, NetworkStream from, NetworkStream to)
    {
        try { await from.CopyToAsync(to, stop.Token); }
        catch (Exception) { /* dropped by Cut, or the peer closed */ }
        if (links.TryRemove(id, out var link))
        {
            link.Client.Dispose();
            link.Server.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        stop.Cancel();
        listener.Stop();
        Cut();
        return ValueTask.CompletedTask;
    }
}
