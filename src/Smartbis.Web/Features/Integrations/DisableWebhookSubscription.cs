using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Integrations;

/// <summary>Stops a subscription: no new deliveries are queued for it; its log stays.</summary>
public sealed class DisableWebhookSubscription(SmartbisDb db, TimeProvider clock)
{
    public async Task ExecuteAsync(Guid id, AuditActor actor, CancellationToken ct = default)
    {
        var sub = await db.WebhookSubscriptions.SingleOrDefaultAsync(s => s.Id == id, ct)
                  ?? throw new OperationFailed("not_found", "webhook_not_found", "id", 404);
        if (!sub.Active) return;
        var now = clock.GetUtcNow();
        sub.Active = false;
        sub.DisabledAt = now;
        RecordAudit.Add(db, actor, now, "webhook.disable", $"Webhook to {sub.Url} disabled", "WebhookSubscription", sub.Id, values: new { url = sub.Url });
        await db.SaveChangesAsync(ct);
    }
}
