using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Smartbis.Tests.Integrations;

/// <summary>A real local HTTP server that records webhook requests and answers with the statuses it is told, in order (then 200).</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Received(string Body, string? Signature, string? EventId);

    private readonly HttpListener listener = new();
    private readonly Task loop;
    private readonly ConcurrentQueue<int> statuses = new();

    public ConcurrentQueue<Received> Requests { get; } = new();
    public string Url { get; }

    public WebhookReceiver(params int[] answers)
    {
        foreach (var s in answers) statuses.Enqueue(s);
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Url = $"http://127.0.0.1:{port}/hooks/smartbis";
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        loop = Task.Run(LoopAsync);
    }

    private async Task LoopAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            using var reader = new StreamReader(ctx.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            Requests.Enqueue(new Received(body, ctx.Request.Headers["Smartbis-Signature"], ctx.Request.Headers["Smartbis-Event-Id"]));
            ctx.Response.StatusCode = statuses.TryDequeue(out var s) ? s : 200;
            var answer = Encoding.UTF8.GetBytes(ctx.Response.StatusCode < 300 ? "ok" : "try later");
            await ctx.Response.OutputStream.WriteAsync(answer);
            ctx.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        listener.Close();
        try { await loop; } catch { /* stopped */ }
    }
}
