using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Challenges;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Tiers;

namespace Smartbis.Web.Data.Seed;

/// <summary>
/// Development only: three tiers (Bronze, Prata, Ouro) for Velluto and for Empório Aurora, placed over the history the demo
/// already has (thresholds at about the median and the top 15% of members' spend, so members spread across levels, each
/// member at the level their purchases reach, and 60 days of members per level for the chart); and one challenge running
/// this month for Aurora. Safe to run on every start: a tenant that has tiers is left alone.
/// </summary>
public static class DemoTiersSeed
{
    /// <summary>The demo tenants that get tiers (Aurora is created by its own seed; skipped while it does not exist).</summary>
    public static readonly string[] Slugs = ["velluto", "aurora"];

    /// <summary>Finds the tenant by slug (if it exists) and seeds it in a scope of its own.</summary>
    public static async Task ForSlugAsync(IServiceScopeFactory scopes, string slug, TimeProvider clock, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SmartbisDb>();
        var tenant = await db.Tenants.AsNoTracking().SingleOrDefaultAsync(t => t.Slug == slug, ct);
        if (tenant is null) return;
        db.Tenant.Set(tenant.Id, tenant.Slug);
        await RunAsync(db, tenant.Id, clock, ct);
    }

    public static async Task RunAsync(SmartbisDb db, Guid tenantId, TimeProvider clock, CancellationToken ct = default)
    {
        if (await db.Set<TierProgram>().AnyAsync(ct)) return;
        var now = clock.GetUtcNow();
        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == tenantId, ct);
        var zone = TiersInForce.Zone(tenant.TimeZone);
        var rules = await RulesInForce.FindAtAsync(db, now, ct);
        var points = rules?.RewardType == RewardType.Points;
        var since = now.AddMonths(-12);
        var purchases = await db.Purchases.AsNoTracking().Where(p => p.OccurredAt > since)
            .Select(p => new { p.CustomerId, p.OccurredAt, Spend = p.AmountCents - p.RefundedCents }).ToListAsync(ct);
        var customers = await db.Customers.AsNoTracking().Where(c => c.Status == CustomerStatus.Active)
            .Select(c => new { c.Id, c.CreatedAt }).ToListAsync(ct);

        // Thresholds from the members' spend: Prata at about the median, Ouro at about the top 15% (rounded to R$ 50).
        var totals = purchases.GroupBy(p => p.CustomerId).Select(g => g.Sum(p => p.Spend)).OrderBy(x => x).ToList();
        long At(double q, long fallback) => totals.Count == 0 ? fallback
            : Math.Max(50_00, (long)Math.Round(totals[(int)Math.Min(totals.Count - 1, q * totals.Count)] / 5_000.0) * 5_000);
        var silver = At(0.50, 300_00);
        var gold = Math.Max(silver + 50_00, At(0.85, 800_00));
        var program = new TierProgram
        {
            TenantId = tenantId, Version = 1, EffectiveFrom = now.AddDays(-181), CreatedAt = now.AddDays(-181), Enabled = true,
            Measure = TierMeasure.Spend, WindowMonths = 12, ReviewPeriod = ReviewPeriod.Quarterly, ReminderDays = 14,
            Levels =
            [
                new TierLevel { Name = "Bronze", Threshold = 0, MultiplierBps = 10_000, Perks = points ? "Ofertas exclusivas no seu e-mail" : "Ofertas exclusivas no seu e-mail" },
                new TierLevel { Name = "Prata", Threshold = silver, MultiplierBps = 12_500, Perks = points ? "Embrulho para presente grátis" : "Aferição de pressão grátis" },
                new TierLevel { Name = "Ouro", Threshold = gold, MultiplierBps = 15_000, Perks = points ? "Entrega grátis e degustações antes de todos" : "Entrega grátis em casa e atendimento prioritário" },
            ],
        };
        db.Add(program);

        // Each member at the level their spend reaches now.
        var byCustomer = purchases.ToLookup(p => p.CustomerId);
        foreach (var c in customers)
        {
            var rank = program.RankFor(byCustomer[c.Id].Sum(p => p.Spend));
            if (rank > 0) db.Add(new CustomerTier { TenantId = tenantId, CustomerId = c.Id, Rank = rank, AchievedAt = now, UpdatedAt = now });
        }

        // Members per level on each of the last 60 local days, as the daily job would have counted them.
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        for (var d = today.AddDays(-60); d <= today; d = d.AddDays(1))
        {
            var end = Challenge.LocalMidnight(d.AddDays(1), zone);
            var start = end.AddMonths(-12);
            var spend = purchases.Where(p => p.OccurredAt > start && p.OccurredAt <= end).GroupBy(p => p.CustomerId).ToDictionary(g => g.Key, g => g.Sum(p => p.Spend));
            var counts = new int[program.Levels.Count];
            foreach (var c in customers.Where(c => c.CreatedAt < end)) counts[program.RankFor(spend.GetValueOrDefault(c.Id))]++;
            for (var i = 0; i < counts.Length; i++)
                db.Add(new TierDailyMembers { TenantId = tenantId, Day = d, Rank = i, LevelName = program.Levels[i].Name, Members = counts[i] });
        }

        // Aurora's challenge of the month (the catch-up job awards those whose purchases already completed it).
        if (tenant.Slug == "aurora")
        {
            var first = new DateOnly(today.Year, today.Month, 1);
            db.Add(new Challenge
            {
                TenantId = tenantId, Name = "Desafio do mês: 3 compras", Kind = ChallengeKind.PurchaseCount, Target = 3,
                Description = points ? $"Faça 3 compras até o fim do mês e ganhe 500 {tenant.CurrencyName}." : "Faça 3 compras até o fim do mês e ganhe R$ 10,00.",
                StartsOn = first, EndsOn = first.AddMonths(1).AddDays(-1), Bonus = points ? 500 : 10_00, CreatedAt = now, UpdatedAt = now,
            });
        }
        await db.SaveChangesAsync(ct);
    }
}
