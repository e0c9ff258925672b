using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Rewards;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Data.Seed;

/// <summary>
/// Development only: the demo points merchant's reward catalogue (seven rewards, from a coffee to a wine tasting) and a
/// few past redemptions made through the real operations on a seed clock — some delivered, some waiting, one expired
/// with its points back. Runs once per tenant (nothing happens when the tenant already has rewards, is missing, or is
/// not a points program).
/// </summary>
public static class DemoRewardsSeed
{
    /// <summary>The one call from DemoSeed: the tenant by slug, when it exists.</summary>
    public static async Task RunForSlugAsync(IServiceScopeFactory scopes, string slug, TimeProvider clock, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SmartbisDb>();
        var tenantId = await db.Tenants.Where(t => t.Slug == slug).Select(t => (Guid?)t.Id).SingleOrDefaultAsync(ct);
        if (tenantId is null) return;
        db.Tenant.Set(tenantId.Value, slug);
        await RunAsync(db, tenantId.Value, clock, scope.ServiceProvider.GetRequiredService<LedgerUnit>(), ct);
    }

    public static async Task RunAsync(SmartbisDb db, Guid tenantId, TimeProvider clock, LedgerUnit unit, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        if (await db.Rewards.AnyAsync(ct)) return;
        if ((await RulesInForce.FindAtAsync(db, now, ct))?.RewardType != RewardType.Points) return;
        var firstStore = await db.Stores.OrderBy(s => s.CreatedAt).ThenBy(s => s.Name).Select(s => s.Id).FirstAsync(ct);
        var tenant = new TenantContext();
        tenant.Set(tenantId);
        var seedClock = new SeedClock(now.AddDays(-30));
        var save = new SaveReward(unit, tenant, seedClock);
        var actor = new AuditActor(null, "demo seed", null, null);
        var today = DateOnly.FromDateTime(now.UtcDateTime);

        SaveReward.Request Reward(string name, string description, long cost, RewardKind kind = RewardKind.Product, long? value = null, int? stock = null,
            int? limit = null, DateOnly? endsOn = null, IReadOnlyList<Guid>? stores = null, int claimDays = 30, bool returnPoints = true) =>
            new(null, name, description, null, cost, kind, value, stock, limit, null, endsOn, stores ?? [], claimDays, returnPoints);

        var coffee = await save.ExecuteAsync(Reward("Café expresso", "Um expresso da nossa cafeteria, na hora.", 150), actor, ct);
        var cheeseBread = await save.ExecuteAsync(Reward("Pão de queijo (6 unidades)", "Quentinho, direto do forno.", 300, stock: 40), actor, ct);
        var voucher10 = await save.ExecuteAsync(Reward("Vale de R$ 10,00", "Desconto de R$ 10,00 em qualquer compra no caixa.", 500,
            RewardKind.Voucher, value: 10_00, claimDays: 7), actor, ct);
        await save.ExecuteAsync(Reward("Sacola ecológica Aurora", "Sacola de algodão cru com a marca do Empório.", 800, stock: 30,
            stores: [firstStore]), actor, ct);
        await save.ExecuteAsync(Reward("Vale de R$ 25,00", "Desconto de R$ 25,00 em compras a partir de R$ 50,00.", 1200, RewardKind.Voucher,
            value: 25_00, limit: 2), actor, ct);
        await save.ExecuteAsync(Reward("Degustação de vinhos", "Uma noite de degustação guiada para duas pessoas (sextas, 19h).", 2000,
            RewardKind.Benefit, stock: 12, endsOn: today.AddDays(60), returnPoints: false), actor, ct);
        await save.ExecuteAsync(Reward("Cesta de frios Aurora", "Queijos e embutidos selecionados para quatro pessoas.", 3000, stock: 5), actor, ct);

        // A few members with the most points redeem, days ago, at the counter and on the portal.
        var richest = await db.Accounts.OrderByDescending(a => a.AvailableCents).Where(a => a.AvailableCents >= 600)
            .Join(db.Customers.Where(c => c.JoinedAt != null && c.Status == Features.Customers.CustomerStatus.Active), a => a.CustomerId, c => c.Id, (a, c) => a.CustomerId)
            .Take(6).ToListAsync(ct);
        var redeem = new RedeemReward(unit, tenant, seedClock);
        var deliver = new DeliverReward(unit, tenant, seedClock);
        var plan = new (Guid Reward, int DaysAgo, bool Delivered)[]
        {
            (coffee, 12, true), (voucher10, 10, false), (cheeseBread, 6, true), (coffee, 4, false), (voucher10, 3, true), (cheeseBread, 1, false),
        };
        for (var i = 0; i < Math.Min(plan.Length, richest.Count); i++)
        {
            var (reward, daysAgo, delivered) = plan[i];
            seedClock.Now = now.AddDays(-daysAgo);
            var claim = await redeem.ExecuteAsync(new RedeemReward.Request(richest[i], reward, $"demo-reward-{i}", i % 2 == 0 ? "counter" : "portal",
                i % 2 == 0 ? firstStore : null), actor, ct);
            if (!delivered) continue;
            seedClock.Now = seedClock.Now.AddHours(1);
            await deliver.ExecuteAsync(claim.Value.Code, firstStore, actor, ct);
        }
        // The R$ 10,00 voucher redeemed ten days ago (7 days to claim) was never picked up: it expires, its points come back.
        await new ExpireRewardClaims(unit).ExecuteAsync(tenantId, now, ct);
    }
}
