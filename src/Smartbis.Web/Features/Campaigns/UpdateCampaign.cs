using Hangfire;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Segments;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Campaigns;

/// <summary>
/// Edits a campaign that has not started: a draft, or a scheduled one whose planning has not begun. The same validation and
/// plan rules as <see cref="SaveCampaign"/>, audited with the values before and after in the same transaction. A scheduled
/// campaign keeps its status; its run is scheduled again for the new send time (the run itself waits for the time it reads).
/// Once sending, sent or cancelled it can no longer be edited.
/// </summary>
public sealed class UpdateCampaign(SmartbisDb db, TenantContext tenant, TimeProvider clock, IBackgroundJobClient jobs)
{
    public async Task<Campaign> ExecuteAsync(Guid id, SaveCampaign.Request r, AuditActor actor, CancellationToken ct = default)
    {
        var tenantId = tenant.Require();
        var now = clock.GetUtcNow();
        Campaign c;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            c = await db.Set<Campaign>().FromSqlInterpolated($"SELECT * FROM campaigns WHERE tenant_id = {tenantId} AND id = {id} FOR UPDATE").SingleOrDefaultAsync(ct)
                ?? throw new OperationFailed("not_found", "campaign_not_found", "id", 404);
            if (!Editable(c)) throw new OperationFailed("conflict", "campaign_not_editable", "", 409);
            var v = SaveCampaign.Validate(r, now);
            SegmentRules.TryParseAudience(r.Audience, out var segment, out var tagId);
            if (tagId is { } t && !await db.Set<Tag>().AnyAsync(x => x.Id == t, ct)) v.Add("Audience", "campaign_audience");
            v.ThrowIfInvalid();
            await SaveCampaign.EnsurePlanAsync(db, r.WhatsApp, ct);
            if (r.WhatsApp && !(await Messaging.SettingsAsync(db, ct)).HasWhatsApp)
                new Validation().Check(false, "WhatsApp", "campaign_whatsapp_not_configured").ThrowIfInvalid();
            var before = SaveCampaign.Describe(c);
            SaveCampaign.Apply(c, r, segment, tagId);
            if (c.Status == CampaignStatus.Scheduled && (c.SendAt is null || c.SendAt < now)) c.SendAt = now;
            RecordAudit.Add(db, actor, now, "campaign.updated", $"Campaign \"{c.Name}\" updated", "campaign", c.Id, before, SaveCampaign.Describe(c),
                values: new { name = c.Name });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        if (c.Status == CampaignStatus.Scheduled)
        {
            var wait = c.SendAt!.Value - now;
            if (wait > TimeSpan.Zero) jobs.Schedule<CampaignJobs>(j => j.RunAsync(tenantId, c.Id), wait);
            else jobs.Enqueue<CampaignJobs>(j => j.RunAsync(tenantId, c.Id));
        }
        return c;
    }

    /// <summary>A draft, or a scheduled campaign not yet being planned.</summary>
    public static bool Editable(Campaign c) => c.Status is CampaignStatus.Draft || (c.Status == CampaignStatus.Scheduled && c.PlannedAt is null);
}
