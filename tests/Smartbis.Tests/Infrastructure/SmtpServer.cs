using System.Diagnostics;
using System.Text;
using MimeKit;

namespace Smartbis.Tests.Infrastructure;

/// <summary>
/// A real SMTP server for email tests: aiosmtpd (Python) on a free loopback port, storing what it receives
/// in a Maildir under a temp folder. Use it as a class fixture and point the app at
/// <c>Smartbis:Smtp:Host = 127.0.0.1, Port = <see cref="Port"/>, Security = None</c>
/// (or use <see cref="SmtpDatabaseFixture"/>, which does that).
/// The server exits when its stdin closes, so it never outlives a killed test host.
/// </summary>
public sealed class SmtpServer(TimeSpan? delayPerMessage = null) : IAsyncLifetime, IDisposable
{
    /// <summary>How long the server waits before it stores (and answers 250 to) each message.</summary>
    public TimeSpan DelayPerMessage { get; } = delayPerMessage ?? TimeSpan.Zero;

    // aiosmtpd's own Controller + Mailbox handler (what `python3 -m aiosmtpd -c aiosmtpd.handlers.Mailbox DIR` runs),
    // plus a stdin watch so the server dies with us.
    // An optional delay before each message is stored stands for a slow relay (a delivery a test can interrupt).
    private const string Script = """
        import sys, asyncio
        from aiosmtpd.controller import Controller
        from aiosmtpd.handlers import Mailbox
        port, maildir, delay = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
        class SlowMailbox(Mailbox):
            async def handle_DATA(self, server, session, envelope):
                if delay > 0:
                    await asyncio.sleep(delay)
                return await super().handle_DATA(server, session, envelope)
        controller = Controller(SlowMailbox(maildir), hostname="127.0.0.1", port=port)
        controller.start()
        print("READY", flush=True)
        sys.stdin.read()
        controller.stop()
        """;

    private readonly StringBuilder log = new();
    private Process? process;

    public int Port { get; private set; }
    public string Host => "127.0.0.1";

    /// <summary>The Maildir folder; delivered messages land in its <c>new</c> subfolder.</summary>
    public string MaildirPath { get; } =
        Path.Combine(Path.GetTempPath(), "smartbis-smtp-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>The app settings that send this app's email here.</summary>
    public IReadOnlyDictionary<string, string?> AppSettings => new Dictionary<string, string?>
    {
        ["Smartbis:Smtp:Host"] = Host,
        ["Smartbis:Smtp:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Smartbis:Smtp:Security"] = "None",
        ["Smartbis:Smtp:TimeoutSeconds"] = "10",
    };

    public static string Python =>
        Environment.GetEnvironmentVariable("SMARTBIS_PYTHON") is { Length: > 0 } p ? p
        : File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    public async Task InitializeAsync()
    {
        // aiosmtpd creates the Maildir itself (cur/new/tmp); an existing empty folder would make it fail.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort.Next();
            if (await TryStartAsync()) return;
            var output = Log;
            if (output.Contains("No module named 'aiosmtpd'", StringComparison.Ordinal))
                throw new InvalidOperationException(
                    $"aiosmtpd is not installed for {Python}. Run ./test.sh (it installs python3-aiosmtpd), " +
                    "or `apt-get install python3-aiosmtpd`, or point SMARTBIS_PYTHON at a python3 that has aiosmtpd.\n" + output);
            if (attempt >= 3)
                throw new InvalidOperationException($"The SMTP test server ({Python} + aiosmtpd) did not start:\n{output}");
        }
    }

    private async Task<bool> TryStartAsync()
    {
        var psi = new ProcessStartInfo(Python)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        foreach (var a in new[] { "-u", "-c", Script, Port.ToString(inv), MaildirPath, DelayPerMessage.TotalSeconds.ToString(inv) })
            psi.ArgumentList.Add(a);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var p = new Process { StartInfo = psi, EnableRaisingEvents = true };
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (log) log.AppendLine(e.Data);
            if (e.Data == "READY") ready.TrySetResult();
        };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        p.Exited += (_, _) => ready.TrySetResult();
        try
        {
            p.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Cannot run {Python}: {e.Message}. Run ./test.sh, which installs python3-aiosmtpd.", e);
        }
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        process = p;

        await Task.WhenAny(ready.Task, Task.Delay(TimeSpan.FromSeconds(20)));
        if (!p.HasExited && await FreePort.AcceptsAsync(Port, TimeSpan.FromSeconds(10))) return true;
        Stop();
        return false;
    }

    /// <summary>What the server process printed (for diagnosis).</summary>
    public string Log { get { lock (log) return log.ToString(); } }

    /// <summary>All messages received so far, oldest first.</summary>
    public IReadOnlyList<MimeMessage> Messages
    {
        get
        {
            var dir = Path.Combine(MaildirPath, "new");
            if (!Directory.Exists(dir)) return [];
            return Directory.EnumerateFiles(dir)
                .Select(f => new FileInfo(f))
                .OrderBy(f => f.LastWriteTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal)
                .Select(f => MimeMessage.Load(f.FullName))
                .ToList();
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> messages have arrived; returns them all, oldest first.</summary>
    public async Task<IReadOnlyList<MimeMessage>> WaitForMessagesAsync(int count, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var messages = Messages;
            if (messages.Count >= count) return messages;
            if (DateTime.UtcNow > until)
                throw new TimeoutException(
                    $"Expected {count} message(s) at the SMTP server, got {messages.Count}: " +
                    string.Join("; ", messages.Select(m => $"{m.To} / {m.Subject}")) + $"\nServer log:\n{Log}");
            await Task.Delay(50);
        }
    }

    /// <summary>Waits for the first message that matches (useful when several tests share the server).</summary>
    public async Task<MimeMessage> WaitForMessageAsync(Func<MimeMessage, bool> match, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var messages = Messages;
            if (messages.FirstOrDefault(match) is { } found) return found;
            if (DateTime.UtcNow > until)
                throw new TimeoutException(
                    $"No matching message at the SMTP server among {messages.Count}: " +
                    string.Join("; ", messages.Select(m => $"{m.To} / {m.Subject}")) + $"\nServer log:\n{Log}");
            await Task.Delay(50);
        }
    }

    private void Stop()
    {
        var p = Interlocked.Exchange(ref process, null);
        if (p is null) return;
        try
        {
            if (!p.HasExited)
            {
                try { p.StandardInput.Close(); } catch (IOException) { /* already closed */ }
                if (!p.WaitForExit(3000)) p.Kill(entireProcessTree: true);
                p.WaitForExit(3000);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited in between.
        }
        finally
        {
            p.Dispose();
        }
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        Stop();
        try { if (Directory.Exists(MaildirPath)) Directory.Delete(MaildirPath, recursive: true); }
        catch (IOException) { /* temp folder */ }
    }
}

/// <summary>
/// A <see cref="DatabaseFixture"/> whose app sends email over SMTP to its own <see cref="SmtpServer"/>.
/// </summary>
public class SmtpDatabaseFixture : DatabaseFixture
{
    public SmtpServer Smtp { get; } = new();

    public override async Task InitializeAsync()
    {
        await Smtp.InitializeAsync();
        await base.InitializeAsync();
    }

    protected override void ConfigureSettings(IDictionary<string, string?> settings)
    {
        foreach (var (key, value) in Smtp.AppSettings) settings[key] = value;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}
