using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Campaigns;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Purchases;
using Smartbis.Web.Features.Segments;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Data.Seed;

/// <summary>
/// Development only: Velluto's segments calculated over its history, three tags on some members, one campaign sent 45 days
/// ago to every member with a 20% holdout (its recipients drawn by the same statement as a real campaign, its emails
/// recorded as sent), so its result page measures the 30 days after it against the holdout — with the purchases it brought
/// back (about 45 % of its recipients, not the holdout, buy once more in those 30 days, recorded through RecordPurchase
/// as of then), so the page shows a measured effect with its interval; and a draft to the members at risk, for the preview.
/// Safe to run on every start: a tenant that has a campaign is left alone.
/// </summary>
public static class DemoCampaignsSeed
{
    public static async Task ForSlugAsync(IServiceScopeFactory scopes, string slug, TimeProvider clock, CancellationToken ct = default)
    {
        Guid tenantId;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SmartbisDb>();
            var tenant = await db.Tenants.AsNoTracking().SingleOrDefaultAsync(t => t.Slug == slug, ct);
            if (tenant is null) return;
            db.Tenant.Set(tenant.Id, tenant.Slug);
            if (await db.Set<Campaign>().AnyAsync(ct)) return;
            tenantId = tenant.Id;
        }
        await using (var scope = scopes.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<AssignSegments>().ExecuteAsync(tenantId, ct);
        Campaign sent;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SmartbisDb>();
            db.Tenant.Set(tenantId);
            sent = await SeedAsync(db, tenantId, clock.GetUtcNow(), ct);
        }
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SmartbisDb>();
            db.Tenant.Set(tenantId, slug);
            await BroughtBackAsync(db, scope.ServiceProvider.GetRequiredService<LedgerUnit>(), tenantId, slug, sent, clock.GetUtcNow(), ct);
        }
    }

    /// <summary>The campaign's effect: a share of its recipients (never the holdout) buy once more in its 30 days.</summary>
    private static async Task BroughtBackAsync(SmartbisDb db, LedgerUnit unit, Guid tenantId, string slug, Campaign sent, DateTimeOffset now, CancellationToken ct)
    {
        var recipients = await db.Set<CampaignRecipient>().AsNoTracking().Where(r => r.CampaignId == sent.Id && !r.Holdout)
            .OrderBy(r => r.CustomerId).Select(r => r.CustomerId).ToListAsync(ct);
        var storeIds = await db.Stores.AsNoTracking().OrderBy(s => s.Name).Select(s => s.Id).ToListAsync(ct);
        if (storeIds.Count == 0) return;
        var context = new TenantContext();
        context.Set(tenantId, slug);
        var clock = new SeedClock(sent.SentAt!.Value);
        var record = new RecordPurchase(unit, context, clock);
        var rnd = new Random(45);
        var receipt = 700_000;
        foreach (var id in recipients.Where(_ => rnd.NextDouble() < 0.45))
        {
            clock.Now = sent.SentAt!.Value.AddDays(rnd.Next(1, 28)).AddHours(rnd.Next(0, 8)).AddMinutes(rnd.Next(0, 60));
            var amount = (long)Math.Round(Math.Exp(rnd.NextDouble() * 2.2 + 3.3)) * 100 + rnd.Next(0, 100); // ~R$ 27 to R$ 250
            try
            {
                await record.ExecuteAsync(new RecordPurchase.Request(storeIds[rnd.Next(storeIds.Count)], id, null, amount, (receipt++).ToString(),
                    $"campaign-seed-{receipt}", Source: "counter"), ct);
            }
            catch (OperationFailed) { /* e.g. a plan limit: the purchase is skipped */ }
        }
        // History is not news: these purchases' events are marked delivered so automations do not announce them now.
        await db.OutboxEvents.Where(e => e.ProcessedAt == null).ExecuteUpdateAsync(s => s.SetProperty(e => e.ProcessedAt, now), ct);
    }

    private static async Task<Campaign> SeedAsync(SmartbisDb db, Guid tenantId, DateTimeOffset now, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var members = await db.Customers.AsNoTracking().Where(c => c.JoinedAt != null && c.Status == CustomerStatus.Active)
            .OrderBy(c => c.CreatedAt).Select(c => c.Id).ToListAsync(ct);
        var tags = new[] { ("Clube da manhã", 7), ("Vizinhos do Centro", 5), ("Mães", 9) }
            .Select(t => (Tag: new Tag { Name = t.Item1, NormalizedName = TagCustomer.Normalize(t.Item1), CreatedAt = now.AddDays(-60) }, Every: t.Item2)).ToList();
        foreach (var (tag, every) in tags)
        {
            db.Add(tag);
            db.AddRange(members.Where((_, i) => i % every == 0).Select(id => new CustomerTag { TagId = tag.Id, CustomerId = id, AddedAt = now.AddDays(-50) }));
        }
        var sentAt = now.AddDays(-45);
        var sent = new Campaign
        {
            Name = "Volta às compras de outubro", Status = CampaignStatus.Sent, Email = true,
            Subject = "{{ first_name }}, seu cashback está esperando", Body = "Olá, {{ first_name }}! Seu saldo na {{ brand }} é {{ balance }}. Passe na loja esta semana.",
            HoldoutPercent = 20, MeasureDays = 30, CreatedAt = sentAt.AddDays(-2), LaunchedAt = sentAt, SendAt = sentAt, PlannedAt = sentAt, SentAt = sentAt,
        };
        var draft = new Campaign
        {
            Name = "Sentimos sua falta: R$ 10,00 de presente", Segment = SegmentKind.AtRisk, Email = true,
            Subject = "Um presente para você, {{ first_name }}", Body = "Olá, {{ first_name }}! Faz tempo que não te vemos na {{ brand }}. Deixamos R$ 10,00 de presente no seu saldo.",
            HoldoutPercent = 10, BonusAmount = 10_00, MeasureDays = 30, CreatedAt = now.AddHours(-3),
        };
        db.AddRange(sent, draft);
        await db.SaveChangesAsync(ct);
        // The recipients as a real campaign's planning draws them (CampaignAudience), then the emails as delivery records them.
        await db.Database.ExecuteSqlRawAsync(RunCampaign.PlanSql, await CampaignAudience.ParametersAsync(db, sent, ct));
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO messages (tenant_id, id, trigger, subject_id, channel, customer_id, locale, status, recipient, variables, subject,
                                  created_at, not_before, attempts, sent_at)
            SELECT c.tenant_id, gen_random_uuid(), 'campaign', md5({sent.Id.ToString()} || c.id::text)::uuid, 'Email', c.id, 'pt-BR', 'Sent', c.email,
                   jsonb_build_object('campaignId', {sent.Id.ToString()}), 'Seu cashback está esperando', {sentAt}, {sentAt}, 1, {sentAt}
            FROM campaign_recipients r JOIN customers c ON c.tenant_id = r.tenant_id AND c.id = r.customer_id
            WHERE r.tenant_id = {tenantId} AND r.campaign_id = {sent.Id} AND NOT r.holdout AND c.email_consent AND c.email IS NOT NULL
            """, ct);
        var counts = await db.Set<CampaignRecipient>().Where(r => r.CampaignId == sent.Id).GroupBy(r => r.Holdout).Select(g => new { g.Key, N = g.Count() }).ToListAsync(ct);
        sent.Audience = counts.Sum(x => x.N);
        sent.Holdout = counts.Where(x => x.Key).Sum(x => x.N);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return sent;
    }
}
