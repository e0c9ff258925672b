using System.Diagnostics;
using System.Text;
using Smartbis.Tests.Infrastructure;

namespace Smartbis.Tests.Reliability;

/// <summary>
/// The app as a separate operating-system process (<c>dotnet Smartbis.Web.dll</c>, Production environment, with
/// Hangfire workers), so that a test can kill it with SIGKILL — no finally block, no graceful shutdown, no flush —
/// and start another on the same database, as a crashed node and its replacement would.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private AppProcess(Process process) => this.process = process;

    public int Port { get; private init; }

    /// <summary>What the process printed so far (its log), for assertion messages.</summary>
    public string Output { get { lock (output) return output.ToString(); } }

    public bool HasExited => process.HasExited;

    /// <summary>Starts the app on a free loopback port and waits until it answers /health/live.</summary>
    public static async Task<AppProcess> StartAsync(string appConnectionString, IReadOnlyDictionary<string, string> settings)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Smartbis.Web.dll");
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        psi.ArgumentList.Add(dll);
        var port = FreePort.Next();
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        psi.Environment["ConnectionStrings__Smartbis"] = appConnectionString;
        psi.Environment["Smartbis__MigrateOnStart"] = "false";
        psi.Environment["Smartbis__Seed__Demo"] = "false";
        psi.Environment["Smartbis__Hangfire__Workers"] = "2";
        // The test enqueues what it wants run; the recurring schedule would add runs at minute boundaries.
        psi.Environment["Smartbis__Automations__Recurring"] = "false";
        psi.Environment["Smartbis__BaseUrl"] = "https://smartbis.test";
        foreach (var (key, value) in settings) psi.Environment[key.Replace(":", "__")] = value;

        var app = new AppProcess(new Process { StartInfo = psi, EnableRaisingEvents = true }) { Port = port };
        app.process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (app.output) app.output.AppendLine(e.Data); };
        app.process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (app.output) app.output.AppendLine(e.Data); };
        app.process.Start();
        app.process.BeginOutputReadLine();
        app.process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        var until = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < until && !app.process.HasExited)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
                request.Headers.Add("X-Forwarded-Proto", "https"); // what the TLS proxy in front of a production node sends
                using var response = await http.SendAsync(request);
                if (response.IsSuccessStatusCode) return app;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { /* not listening yet */ }
            await Task.Delay(200);
        }
        var log = app.Output;
        await app.DisposeAsync();
        throw new InvalidOperationException($"The app process did not become live on port {port}:\n{log}");
    }

    /// <summary>SIGKILL: the process stops between two instructions, whatever it was doing.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }
}
