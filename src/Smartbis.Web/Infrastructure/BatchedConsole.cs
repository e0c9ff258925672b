using System.Text;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace Smartbis.Web.Infrastructure;

/// <summary>
/// Writes the log to standard output a batch at a time, behind Serilog's own batching (<c>WriteTo.Sink(sink, options)</c>:
/// a request only queues its events). Serilog's console sink writes each event through <see cref="Console.Out"/>, whose
/// writer flushes every 256 characters: a request's JSON line cost two or three <c>write</c> calls (the log worker and its
/// writes were 13% of the app's CPU samples under the balance API's load; the measured gain was a few percent, bench/NOTES.md
/// item 48). A batch is formatted in memory and written with one call.
/// </summary>
public sealed class BatchedConsole(ITextFormatter formatter) : IBatchedLogEventSink
{
    private readonly StringWriter buffer = new(new StringBuilder(64 * 1024));

    public Task EmitBatchAsync(IReadOnlyCollection<LogEvent> batch)
    {
        // One batch at a time (Serilog's batching calls this from its one worker), so the buffer needs no lock.
        var text = buffer.GetStringBuilder().Clear();
        foreach (var e in batch) formatter.Format(e, buffer);
        // Console.Out as it is now: a test may have replaced it to read the log.
        Console.Out.Write(text.ToString());
        Console.Out.Flush();
        if (text.Capacity > 1024 * 1024) text.Capacity = 64 * 1024; // a burst's batch is not kept for ever
        return Task.CompletedTask;
    }

    public Task OnEmptyBatchAsync() => Task.CompletedTask;

    /// <summary>
    /// Standard output with a 64 KB writer, installed once per process: it still flushes after every <c>Write</c> call, but a
    /// batch (one call) is then one <c>write</c>, where .NET's own console writer flushes every 256 characters. A writer a
    /// test installs later is left alone.
    /// </summary>
    public static void UseOneWritePerBatch()
    {
        lock (Gate)
        {
            if (installed) return;
            installed = true;
            Console.SetOut(new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 64 * 1024) { AutoFlush = true });
        }
    }

    private static readonly Lock Gate = new();
    private static bool installed;
}
