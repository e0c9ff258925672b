using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Campaigns;

/// <summary>Cancels a draft or a scheduled campaign before it runs (audited). Once planning started it can no longer be cancelled.</summary>
public sealed class CancelCampaign(SmartbisDb db, TenantContext tenant, TimeProvider clock)
{
    public async Task ExecuteAsync(Guid id, AuditActor actor, CancellationToken ct = default)
    {
        var tenantId = tenant.Require();
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var c = await db.Set<Campaign>().FromSqlInterpolated($"SELECT * FROM campaigns WHERE tenant_id = {tenantId} AND id = {id} FOR UPDATE").SingleOrDefaultAsync(ct)
                ?? throw new OperationFailed("not_found", "campaign_not_found", "id", 404);
        if (c.Status is not (CampaignStatus.Draft or CampaignStatus.Scheduled)) throw new OperationFailed("conflict", "campaign_cannot_cancel", "", 409);
        var before = c.Status.ToString();
        c.Status = CampaignStatus.Cancelled;
        c.CancelledAt = now;
        RecordAudit.Add(db, actor, now, "campaign.cancelled", $"Campaign \"{c.Name}\" cancelled", "campaign", c.Id, new { status = before }, new { status = c.Status.ToString() }, values: new { name = c.Name });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }
}
