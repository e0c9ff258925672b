using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Counter;

/// <summary>A manager closes a flag with a note; a later occurrence opens a new one.</summary>
public sealed class ReviewAnomaly(SmartbisDb db, TimeProvider clock)
{
    public async Task ExecuteAsync(Guid flagId, string? note, AuditActor actor, CancellationToken ct = default)
    {
        var flag = await db.AnomalyFlags.SingleOrDefaultAsync(f => f.Id == flagId, ct)
                   ?? throw new OperationFailed("not_found", "flag_not_found", "id", 404);
        if (flag.ReviewedAt is not null) return;
        var trimmed = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (trimmed is { Length: > 500 }) throw new OperationFailed("validation", "note_too_long", "note");
        flag.ReviewedAt = clock.GetUtcNow();
        flag.ReviewedByUserId = actor.UserId;
        flag.ReviewNote = trimmed;
        RecordAudit.Add(db, actor, flag.ReviewedAt.Value, "anomaly.reviewed", $"Flag reviewed: {flag.Summary}", "anomaly", flag.Id,
            after: new { note = trimmed }, values: new { note = trimmed ?? "" });
        await db.SaveChangesAsync(ct);
    }
}
