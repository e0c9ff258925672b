using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Rewards;

namespace Smartbis.Tests.Features.Rewards;

/// <summary>Shortcuts for catalogue tests: a points program, rewards saved through SaveReward, redemptions through RedeemReward.</summary>
public static class RewardsKit
{
    /// <summary>
    /// Makes the tenant a points program the way the brief allows before the points branch lands: a new rules version
    /// with reward type Points, written directly (SaveProgramRules still refuses points on this branch).
    /// </summary>
    public static async Task UsePointsAsync(this TestTenant t)
    {
        await using var scope = t.Scope();
        await UsePointsAsync(scope.Db);
    }

    /// <inheritdoc cref="UsePointsAsync(TestTenant)"/>
    public static async Task UsePointsAsync(Smartbis.Web.Data.SmartbisDb db)
    {
        var current = await db.ProgramRules.OrderByDescending(r => r.Version).FirstAsync();
        var next = current.CopyAsNextVersion();
        next.RewardType = RewardType.Points;
        next.EffectiveFrom = current.EffectiveFrom.AddSeconds(1);
        db.ProgramRules.Add(next);
        await db.SaveChangesAsync();
    }

    public static SaveReward.Request Reward(string name = "Free coffee", long cost = 100, RewardKind kind = RewardKind.Product, long? valueCents = null,
        int? stock = null, int? limit = null, DateOnly? startsOn = null, DateOnly? endsOn = null, IReadOnlyList<Guid>? stores = null,
        int claimDays = 30, bool returnPoints = true) =>
        new(null, name, "A test reward", null, cost, kind, valueCents, stock, limit, startsOn, endsOn, stores ?? [], claimDays, returnPoints);

    public static Task<Guid> SaveRewardAsync(this TestTenant t, SaveReward.Request r) =>
        t.RunAsync<SaveReward, Guid>(s => s.ExecuteAsync(r, AuditActor.System));

    public static Task<Guid> AddRewardAsync(this TestTenant t, string name = "Free coffee", long cost = 100, int? stock = null, int? limit = null,
        bool returnPoints = true, int claimDays = 30, IReadOnlyList<Guid>? stores = null) =>
        t.SaveRewardAsync(Reward(name, cost, stock: stock, limit: limit, returnPoints: returnPoints, claimDays: claimDays, stores: stores));

    public static Task<Idempotent<RedeemReward.Result>> RedeemRewardAsync(this TestTenant t, Guid customerId, Guid rewardId, string? key = null,
        string source = "counter", Guid? storeId = null) =>
        t.RunAsync<RedeemReward, Idempotent<RedeemReward.Result>>(r =>
            r.ExecuteAsync(new RedeemReward.Request(customerId, rewardId, key ?? LedgerTestKit.NewKey(), source, storeId), AuditActor.System));

    public static Task<Reward> RewardAsync(this TestTenant t, Guid id) => t.WithDbAsync(db => db.Rewards.AsNoTracking().SingleAsync(r => r.Id == id));

    public static Task<List<RewardClaim>> ClaimsAsync(this TestTenant t, Guid? customerId = null) =>
        t.WithDbAsync(db => db.RewardClaims.AsNoTracking().Where(c => customerId == null || c.CustomerId == customerId).OrderBy(c => c.ClaimedAt).ToListAsync());

    public static Task<ExpireRewardClaims.Result> ExpireClaimsAsync(this TestTenant t) => t.Fixture.Get<ExpireRewardClaims>().ExecuteAsync(t.Id, t.Now);

    /// <summary>A points member with <paramref name="points"/> available (a manager's credit: one lot).</summary>
    public static async Task<Guid> MemberWithPointsAsync(this TestTenant t, long points)
    {
        var id = await t.EnrollAsync();
        if (points > 0) await t.AdjustAsync(id, points, "Opening points");
        return id;
    }
}
