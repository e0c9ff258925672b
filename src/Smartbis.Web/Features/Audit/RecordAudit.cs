using System.Text.Json;
using Smartbis.Web.Data;

namespace Smartbis.Web.Features.Audit;

public static class RecordAudit
{
    /// <summary>
    /// Adds an audit entry to <paramref name="db"/>: it is saved by the caller's SaveChanges, in the caller's
    /// transaction, so the change and its record commit or fail together. <paramref name="values"/> are what the action's
    /// text in <see cref="AuditText"/> names: the log page puts them into the reader's language.
    /// </summary>
    public static AuditEntry Add(SmartbisDb db, AuditActor actor, DateTimeOffset at, string action, string summary,
        string? subjectType = null, object? subjectId = null, object? before = null, object? after = null, object? values = null)
    {
        var entry = new AuditEntry
        {
            At = at, UserId = actor.UserId, Actor = actor.Name, StoreId = actor.StoreId, IpAddress = actor.IpAddress,
            Action = action, Summary = summary.Length <= 500 ? summary : summary[..500],
            SubjectType = subjectType, SubjectId = subjectId?.ToString(),
            Before = before is null ? null : JsonSerializer.SerializeToDocument(before, JsonSerializerOptions.Web),
            After = after is null ? null : JsonSerializer.SerializeToDocument(after, JsonSerializerOptions.Web),
            Values = Infrastructure.StoredTexts.ToJson(values),
        };
        db.Set<AuditEntry>().Add(entry);
        return entry;
    }
}
