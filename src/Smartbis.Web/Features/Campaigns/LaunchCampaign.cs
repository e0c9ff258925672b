using Hangfire;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Campaigns;

/// <summary>
/// Launches a draft: it becomes Scheduled for its send time (now when none), audited, and a job is scheduled for that
/// moment (the quarter-hourly catch-up runs it if the job is lost). Only a draft can be launched.
/// </summary>
public sealed class LaunchCampaign(SmartbisDb db, TenantContext tenant, TimeProvider clock, IBackgroundJobClient jobs)
{
    public async Task<Campaign> ExecuteAsync(Guid id, AuditActor actor, CancellationToken ct = default)
    {
        var tenantId = tenant.Require();
        var now = clock.GetUtcNow();
        Campaign c;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            c = await db.Set<Campaign>().FromSqlInterpolated($"SELECT * FROM campaigns WHERE tenant_id = {tenantId} AND id = {id} FOR UPDATE").SingleOrDefaultAsync(ct)
                ?? throw new OperationFailed("not_found", "campaign_not_found", "id", 404);
            if (c.Status != CampaignStatus.Draft) throw new OperationFailed("conflict", "campaign_not_draft", "", 409);
            await SaveCampaign.EnsurePlanAsync(db, c.WhatsApp, ct);
            c.Status = CampaignStatus.Scheduled;
            c.LaunchedAt = now;
            if (c.SendAt is null || c.SendAt < now) c.SendAt = now;
            RecordAudit.Add(db, actor, now, "campaign.launched", $"Campaign \"{c.Name}\" launched for {c.SendAt:u}", "campaign", c.Id,
                new { status = nameof(CampaignStatus.Draft) }, SaveCampaign.Describe(c), values: new { name = c.Name });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        var wait = c.SendAt!.Value - now;
        if (wait > TimeSpan.Zero) jobs.Schedule<CampaignJobs>(j => j.RunAsync(tenantId, c.Id), wait);
        else jobs.Enqueue<CampaignJobs>(j => j.RunAsync(tenantId, c.Id));
        return c;
    }
}
