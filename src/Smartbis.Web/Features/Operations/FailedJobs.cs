using Hangfire;
using Hangfire.Storage.Monitoring;

namespace Smartbis.Web.Features.Operations;

/// <summary>
/// Failed Hangfire jobs per tenant, read with Hangfire's monitoring API (never its tables): a job's arguments carry its
/// tenant id (AutomationJobs, DeliverWebhooks), so the most recent failed jobs are read once and grouped by it.
/// </summary>
public sealed class FailedJobs(JobStorage storage)
{
    /// <summary>How far back the console looks among failed jobs (the newest first): enough for a day of failures.</summary>
    public const int Window = 1000;

    public sealed record Job(string Id, string Name, Guid? TenantId, DateTimeOffset FailedAt, string? Error);

    public IReadOnlyList<Job> Since(DateTimeOffset since)
    {
        var failed = storage.GetMonitoringApi().FailedJobs(0, Window);
        var list = new List<Job>();
        foreach (var (id, dto) in failed)
        {
            if (dto?.FailedAt is not { } at) continue;
            var failedAt = new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc));
            if (failedAt < since) continue;
            list.Add(new Job(id, Name(dto), TenantOf(dto), failedAt, dto.ExceptionMessage));
        }
        return list;
    }

    public JobStatistics Statistics()
    {
        var s = storage.GetMonitoringApi().GetStatistics();
        return new JobStatistics(s.Enqueued, s.Processing, s.Scheduled, s.Failed, s.Succeeded, s.Servers, s.Recurring);
    }

    private static string Name(FailedJobDto dto) =>
        dto.Job is { } j ? $"{j.Type.Name}.{j.Method.Name}" + (j.Args.FirstOrDefault() is string kind ? $" ({kind})" : "") : "?";

    private static Guid? TenantOf(FailedJobDto dto)
    {
        foreach (var arg in dto.Job?.Args ?? [])
        {
            if (arg is Guid g) return g;
            if (arg is string s && Guid.TryParse(s, out var parsed)) return parsed;
        }
        return null;
    }
}

public sealed record JobStatistics(long Enqueued, long Processing, long Scheduled, long Failed, long Succeeded, long Servers, long Recurring);
