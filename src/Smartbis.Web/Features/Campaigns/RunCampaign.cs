using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Ledger;

namespace Smartbis.Web.Features.Campaigns;

/// <summary>
/// Runs a due campaign, safe to run twice or concurrently:
/// 1. planning, under the campaign row's lock and once: the audience (<see cref="CampaignAudience"/>) goes into
///    campaign_recipients with its holdout draw in one INSERT … SELECT (no row passes through C#);
/// 2. the fixed bonus, once per recipient outside the holdout (<see cref="GrantCampaignBonus"/>: an idempotency key per
///    campaign and customer);
/// 3. the messages, through the automations' planner (<see cref="PlanMessagesInBulk"/>): consent, an address, quiet hours and
///    the frequency cap exactly as for automations, once per (campaign, customer, channel) by the messages' unique key;
/// 4. Sent. Delivery is the automations' (<see cref="DeliverMessages"/>), started by the job.
/// </summary>
public sealed class RunCampaign(LedgerUnit unit, GrantCampaignBonus bonus, TimeProvider clock)
{
    private const int Chunk = 1000;

    public sealed record Result(bool Ran, int Audience, int Holdout, int Bonuses, int Messages);

    public static readonly Result NotDue = new(false, 0, 0, 0, 0);

    public async Task<Result> ExecuteAsync(Guid tenantId, Guid campaignId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var c = await PlanAsync(tenantId, campaignId, now, ct);
        if (c is null) return NotDue;

        var bonuses = 0;
        if (c.BonusAmount > 0)
        {
            var due = await unit.RunAsync(tenantId, db => db.Set<CampaignRecipient>()
                .Where(r => r.CampaignId == c.Id && !r.Holdout && r.BonusGrantedAt == null).OrderBy(r => r.CustomerId).Select(r => r.CustomerId).ToListAsync(ct), ct);
            await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (customerId, token) =>
            {
                if (!(await bonus.ExecuteAsync(tenantId, c, customerId, token)).Replayed) Interlocked.Increment(ref bonuses);
            });
        }

        var recipients = await unit.RunAsync(tenantId, db => db.Set<CampaignRecipient>()
            .Where(r => r.CampaignId == c.Id && !r.Holdout).OrderBy(r => r.CustomerId).Select(r => r.CustomerId).ToListAsync(ct), ct);
        var setting = new AutomationSetting
        {
            Trigger = Triggers.Campaign, Enabled = true, Email = c.Email, WhatsApp = c.WhatsApp, DelayMinutes = 0, QuietHours = true,
        };
        var variables = new Dictionary<string, object?> { [CampaignTemplate.Variable] = c.Id }; // the same for all: one, read-only
        var messages = 0;
        await Parallel.ForEachAsync(recipients.Chunk(Chunk), new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = ct },
            async (chunk, token) =>
            {
                var requests = chunk.Select(id => new PlanMessages.Request(Triggers.Campaign, id, SubjectOf(c.Id, id), variables)).ToList();
                Interlocked.Add(ref messages, await unit.RunAsync(tenantId, db => PlanMessagesInBulk.PlanAsync(db, Triggers.Campaign, requests, now, token, setting), token));
            });

        await unit.RunAsync(tenantId, db => db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE campaigns SET status = {CampaignStatus.Sent.ToString()}, sent_at = coalesce(sent_at, {now})
            WHERE tenant_id = {tenantId} AND id = {c.Id} AND status = {CampaignStatus.Sending.ToString()}
            """, ct), ct);
        return new Result(true, c.Audience, c.Holdout, bonuses, messages);
    }

    /// <summary>The planning: the audience with its draw into campaign_recipients, in one statement (tenant_id from the customer row).</summary>
    public const string PlanSql = $"""
        INSERT INTO campaign_recipients (tenant_id, campaign_id, customer_id, holdout, bonus_amount)
        SELECT a.tenant_id, @campaign, a.customer_id, a.holdout, 0 FROM ({CampaignAudience.Sql}) a
        ON CONFLICT DO NOTHING
        """;

    /// <summary>A message's subject: (campaign, customer), so the messages' unique key holds it to one per channel.</summary>
    public static Guid SubjectOf(Guid campaignId, Guid customerId) => Messaging.StableId($"campaign:{campaignId}:{customerId}");

    /// <summary>
    /// Step 1: the campaign if it is due (Scheduled or Sending, its time come), its recipients planned once. Returns null
    /// when there is nothing to run (cancelled, sent, a draft, not yet time).
    /// </summary>
    public async Task<Campaign?> PlanAsync(Guid tenantId, Guid campaignId, DateTimeOffset now, CancellationToken ct = default) =>
        await unit.RunAsync(tenantId, async db =>
        {
            db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
            var c = await db.Set<Campaign>().FromSqlInterpolated($"SELECT * FROM campaigns WHERE tenant_id = {tenantId} AND id = {campaignId} FOR UPDATE")
                .SingleOrDefaultAsync(ct);
            if (c is null || c.Status is not (CampaignStatus.Scheduled or CampaignStatus.Sending) || c.SendAt > now) return null;
            if (c.PlannedAt is not null) return c;
            await db.Database.ExecuteSqlRawAsync(PlanSql, await CampaignAudience.ParametersAsync(db, c, ct));
            var counts = await db.Set<CampaignRecipient>().Where(r => r.CampaignId == c.Id)
                .GroupBy(r => r.Holdout).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
            c.Audience = counts.Sum(x => x.Count);
            c.Holdout = counts.Where(x => x.Key).Sum(x => x.Count);
            c.PlannedAt = now;
            c.Status = CampaignStatus.Sending;
            await db.SaveChangesAsync(ct);
            return c;
        }, ct);
}
