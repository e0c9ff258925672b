using Hangfire;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Integrations;

/// <summary>Sends a delivery again now (the same event id and body), with a fresh 24-hour retry window.</summary>
public sealed class RedeliverWebhook(SmartbisDb db, TimeProvider clock, IBackgroundJobClient jobs)
{
    public async Task ExecuteAsync(Guid deliveryId, AuditActor actor, CancellationToken ct = default)
    {
        var d = await db.WebhookDeliveries.SingleOrDefaultAsync(x => x.Id == deliveryId, ct)
                ?? throw new OperationFailed("not_found", "delivery_not_found", "id", 404);
        var now = clock.GetUtcNow();
        d.Status = DeliveryStatus.Pending;
        d.NextAttemptAt = now;
        d.GiveUpAt = now.AddHours(DeliverWebhooks.RetryHours);
        RecordAudit.Add(db, actor, now, "webhook.redeliver", $"Webhook event {d.EventId} ({d.EventType}) sent again", "WebhookDelivery", d.Id, values: new { eventId = d.EventId, eventType = d.EventType });
        await db.SaveChangesAsync(ct);
        var tenantId = db.Tenant.Require();
        jobs.Enqueue<DeliverWebhooks>(j => j.RunAsync(tenantId, CancellationToken.None));
    }
}
