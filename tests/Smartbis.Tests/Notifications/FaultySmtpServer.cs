using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using MimeKit;
using Smartbis.Tests.Infrastructure;

namespace Smartbis.Tests.Notifications;

/// <summary>
/// faulty_smtp.py (aiosmtpd) on a fixed loopback port that can be stopped and started again, to test an SMTP server
/// that is down and comes back. Recipients pick failures: bounce*@ (550), tempfail*@ (451), drop*@ (drop after DATA).
/// </summary>
public sealed class FaultySmtpServer : IDisposable
{
    private readonly StringBuilder log = new();
    private Process? process;

    public int Port { get; } = FreePort.Next();
    public string MaildirPath { get; } = Path.Combine(Path.GetTempPath(), "smartbis-faulty-" + Guid.NewGuid().ToString("N")[..12]);

    private static string Script([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "faulty_smtp.py");

    public IReadOnlyDictionary<string, string?> AppSettings => new Dictionary<string, string?>
    {
        ["Smartbis:Smtp:Host"] = "127.0.0.1",
        ["Smartbis:Smtp:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Smartbis:Smtp:Security"] = "None",
        ["Smartbis:Smtp:TimeoutSeconds"] = "5",
    };

    public async Task StartAsync()
    {
        var psi = new ProcessStartInfo(SmtpServer.Python) { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-u", Script(), Port.ToString(System.Globalization.CultureInfo.InvariantCulture), MaildirPath }) psi.ArgumentList.Add(a);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var p = new Process { StartInfo = psi, EnableRaisingEvents = true };
        p.OutputDataReceived += (_, e) => { if (e.Data is null) return; lock (log) log.AppendLine(e.Data); if (e.Data == "READY") ready.TrySetResult(); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        p.Exited += (_, _) => ready.TrySetResult();
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        process = p;
        await Task.WhenAny(ready.Task, Task.Delay(TimeSpan.FromSeconds(20)));
        if (p.HasExited || !await FreePort.AcceptsAsync(Port, TimeSpan.FromSeconds(10)))
            throw new InvalidOperationException("faulty_smtp.py did not start:\n" + Log);
    }

    public string Log { get { lock (log) return log.ToString(); } }

    public IReadOnlyList<MimeMessage> Messages
    {
        get
        {
            var dir = Path.Combine(MaildirPath, "new");
            if (!Directory.Exists(dir)) return [];
            return Directory.EnumerateFiles(dir).Select(f => MimeMessage.Load(f)).ToList();
        }
    }

    public void Stop()
    {
        var p = Interlocked.Exchange(ref process, null);
        if (p is null) return;
        try
        {
            if (!p.HasExited)
            {
                try { p.StandardInput.Close(); } catch (IOException) { }
                if (!p.WaitForExit(5000)) p.Kill(entireProcessTree: true);
                p.WaitForExit(3000);
            }
        }
        catch (InvalidOperationException) { }
        finally { p.Dispose(); }
    }

    public void Dispose()
    {
        Stop();
        try { if (Directory.Exists(MaildirPath)) Directory.Delete(MaildirPath, true); } catch (IOException) { }
    }
}
