using Hangfire;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Automations;

/// <summary>
/// The merchant's Retry on a failed, bounced or unknown message: it is scheduled now, with its audit entry, in one SaveChanges;
/// then a delivery job is enqueued.
/// </summary>
public sealed class RetryMessage(SmartbisDb db, TimeProvider clock, IBackgroundJobClient jobs)
{
    public async Task ExecuteAsync(Guid messageId, AuditActor actor, CancellationToken ct = default)
    {
        var m = await db.Messages.SingleOrDefaultAsync(x => x.Id == messageId, ct)
                ?? throw new OperationFailed("not_found", "message_not_found", "messageId", 404);
        if (m.Status is not (MessageStatus.Failed or MessageStatus.Bounced or MessageStatus.Unknown))
            throw new OperationFailed("not_retryable", "not_retryable", "messageId", 409);
        m.Status = MessageStatus.Scheduled;
        m.NotBefore = clock.GetUtcNow();
        m.Error = null;
        RecordAudit.Add(db, actor, m.NotBefore, "message.retry", "Message retried", "message", messageId);
        await db.SaveChangesAsync(ct);
        var tenantId = db.Tenant.Require();
        try { jobs.Enqueue<AutomationJobs>(j => j.DeliverAsync(tenantId)); }
        catch (Exception) { /* the sweeper sends it within a minute */ }
    }
}
