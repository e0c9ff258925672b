using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Purchases;
using Smartbis.Web.Features.Results;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Data.Seed;

/// <summary>
/// Development only: for Velluto and Empório Aurora, a control group that ran from 400 to 185 days ago (15% of new members,
/// WhatsApp at R$ 0,35 and email at R$ 0,05 a message) and a new one turned on today, and the members who joined during the
/// first, through the real operations on a clock moved day by day: each is drawn into the group by <see cref="ControlGroup"/>
/// when they join. Members outside the
/// control group got the welcome email (recorded as sent) and come back a little more often than those held out — the
/// effect the results page then measures, with its interval. Then the results roll-up. Safe on every start: a tenant with
/// results settings is left alone.
/// </summary>
public static class DemoResultsSeed
{
    public static readonly string[] Slugs = ["velluto", "aurora"];

    /// <summary>Members who join under the holdout per tenant: 1.5 × Smartbis:Seed:Customers (none when the demo history is off), or Smartbis:Seed:ResultsMembers.</summary>
    public static async Task RunAsync(IServiceScopeFactory scopes, TimeProvider clock, CancellationToken ct = default)
    {
        int members;
        await using (var s = scopes.CreateAsyncScope())
        {
            var config = s.ServiceProvider.GetRequiredService<IConfiguration>();
            members = config.GetValue("Smartbis:Seed:ResultsMembers", config.GetValue("Smartbis:Seed:Customers", 300) * 3 / 2); // 450 by default
        }
        if (members <= 0) return;
        foreach (var (slug, i) in Slugs.Select((s, i) => (s, i)))
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SmartbisDb>();
            var tenant = await db.Tenants.AsNoTracking().SingleOrDefaultAsync(t => t.Slug == slug, ct);
            if (tenant is null) continue;
            db.Tenant.Set(tenant.Id, tenant.Slug);
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant.Id, tenant.Slug);
            if (await db.Set<ResultsSettings>().AnyAsync(ct)) continue;
            await SeedAsync(db, scope.ServiceProvider.GetRequiredService<LedgerUnit>(), tenant, clock.GetUtcNow(), members, 100 + i, ct);
            var rollUp = new RollUpResults(db, clock);
            await rollUp.ExecuteAsync(tenant.Id, ct: ct);
        }
    }

    private static async Task SeedAsync(SmartbisDb db, LedgerUnit unit, Tenant tenant, DateTimeOffset now, int count, int seed, CancellationToken ct)
    {
        // The measurement ran from 400 to 185 days ago (before the rest of the demo history starts, so only these members are
        // compared) and was turned off; the owner turned a new one on today.
        const int days = 400;
        const int ended = 215;
        var start = now.AddDays(-days);
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(tenant.TimeZone, out var z) ? z : TimeZoneInfo.Utc;
        DateOnly Local(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);
        ResultsSettings Version(int v, DateTimeOffset at, bool on) => new()
        {
            TenantId = tenant.Id, Version = v, EffectiveFrom = at, CreatedAt = at, ControlGroupEnabled = on, ShareBps = 1500,
            StartsOn = Local(v == 3 ? now : start), EmailCostCents = 5, WhatsAppCostCents = 35,
        };
        db.Add(Version(1, start, true)); // the later versions after the history: each join is drawn under the version then in force
        await db.SaveChangesAsync(ct);

        var rnd = new Random(seed);
        var clock = new SeedClock(start);
        var context = new TenantContext();
        context.Set(tenant.Id, tenant.Slug);
        var enroll = new EnrollCustomer(unit, context, clock);
        var record = new RecordPurchase(unit, context, clock);
        var storeIds = await db.Stores.AsNoTracking().Select(s => s.Id).ToListAsync(ct);
        // Joins over the first 100 days, while the holdout is on; each member followed until today (less often after 150 days).
        var plan = Enumerable.Range(0, count).Select(_ => rnd.Next(0, 100)).OrderBy(d => d).ToList();
        var joined = new List<(Guid Id, bool Control, int Day, double Chance)>();
        var receipt = 900_000 + seed * 10_000;
        for (var day = 0; day < days; day++)
        {
            foreach (var _ in plan.Where(d => d == day))
            {
                clock.Now = start.AddDays(day).AddHours(13).AddMinutes(rnd.Next(0, 300));
                var n = joined.Count;
                try
                {
                    var r = await enroll.ExecuteAsync(new EnrollCustomer.Request($"Cliente Resultado {n + 1}", $"+55219{rnd.Next(10_000_000, 99_999_999)}",
                        $"resultado{n + 1}.{tenant.Slug}@example.com", EmailConsent: true, WhatsAppConsent: rnd.NextDouble() < 0.6,
                        ConsentWording: "Quero receber avisos.", Source: "counter"), ct);
                    var control = await db.Customers.AsNoTracking().Where(c => c.Id == r.CustomerId).Select(c => c.InControlGroup).SingleAsync(ct);
                    // Regulars and occasional buyers alike; the messages bring members back a little sooner.
                    var baseChance = rnd.NextDouble() < 0.3 ? 1 / 9.0 : 1 / 30.0;
                    joined.Add((r.CustomerId, control, day, control ? baseChance : baseChance * 1.35));
                    if (!control)
                        db.Messages.Add(new Message
                        {
                            Trigger = Triggers.Welcome, SubjectId = r.CustomerId, Channel = Channel.Email, CustomerId = r.CustomerId, Status = MessageStatus.Sent,
                            Recipient = $"resultado{n + 1}.{tenant.Slug}@example.com", CreatedAt = clock.Now, NotBefore = clock.Now, Locale = "pt-BR",
                            Variables = System.Text.Json.JsonDocument.Parse("{}"),
                        });
                    await Buy(r.CustomerId, clock.Now.AddMinutes(5));
                }
                catch (OperationFailed) { /* a rare phone collision or the plan's limit: one member fewer */ }
            }
            foreach (var m in joined.Where(m => m.Day < day))
                if (rnd.NextDouble() < (day - m.Day > 150 ? m.Chance / 4 : m.Chance)) await Buy(m.Id, start.AddDays(day).AddHours(11 + rnd.Next(0, 10)).AddMinutes(rnd.Next(0, 60)));
            if (db.ChangeTracker.HasChanges()) await db.SaveChangesAsync(ct);
        }

        async Task Buy(Guid customerId, DateTimeOffset at)
        {
            clock.Now = at;
            var amount = (long)Math.Round(Math.Exp(rnd.NextDouble() * 2.2 + 3.3)) * 100 + rnd.Next(0, 100); // ~R$ 27 to R$ 250
            try
            {
                await record.ExecuteAsync(new RecordPurchase.Request(storeIds[rnd.Next(storeIds.Count)], customerId, null, amount, (receipt++).ToString(),
                    $"results-seed-{seed}-{receipt}", Source: "counter"), ct);
            }
            catch (OperationFailed) { /* e.g. a plan limit: the purchase is skipped */ }
        }

        db.Add(Version(2, start.AddDays(ended), false));
        db.Add(Version(3, now, true));
        await db.SaveChangesAsync(ct);

        // History is not news: the events of these months are marked delivered so automations do not announce them now.
        await db.OutboxEvents.Where(e => e.ProcessedAt == null).ExecuteUpdateAsync(s => s.SetProperty(e => e.ProcessedAt, now), ct);
    }
}
