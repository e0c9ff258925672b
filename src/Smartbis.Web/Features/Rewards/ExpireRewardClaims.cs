using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Rewards;

/// <summary>
/// Expires redeemed rewards nobody came to claim by their date. Per claim, as chosen on the reward when it was redeemed:
/// its points come back (a new lot, entry RewardReturn, expiring by the rules in force from today, like any new credit)
/// or stay spent. The unit goes back into the reward's stock when it has one. Batched like ExpireCredits: a batch of
/// customers per transaction, their accounts locked in customer order, then the rewards in id order, what is due re-read
/// after the locks. Safe to run twice or concurrently.
/// </summary>
public sealed class ExpireRewardClaims(LedgerUnit unit)
{
    public sealed record Result(int ClaimsExpired, long PointsReturned);

    private const int Batch = 200;

    public async Task<Result> ExecuteAsync(Guid tenantId, DateTimeOffset now, CancellationToken ct = default)
    {
        var total = new Result(0, 0);
        while (true)
        {
            var customers = await unit.RunAsync(tenantId, db =>
                db.RewardClaims.Where(c => c.Status == ClaimStatus.Claimed && c.ExpiresAt <= now)
                    .Select(c => c.CustomerId).Distinct().OrderBy(id => id).Take(Batch * 10).ToListAsync(ct), ct);
            if (customers.Count == 0) return total;
            foreach (var batch in customers.Chunk(Batch))
            {
                var r = await unit.RunAsync(tenantId, db => ExpireForAsync(db, batch, now, ct), ct);
                total = new Result(total.ClaimsExpired + r.ClaimsExpired, total.PointsReturned + r.PointsReturned);
            }
        }
    }

    private static async Task<Result> ExpireForAsync(SmartbisDb db, Guid[] customerIds, DateTimeOffset now, CancellationToken ct)
    {
        var books = new Books(db, now);
        var accounts = await BatchLock.AccountsAsync(db, customerIds, ct);
        var claims = await db.RewardClaims
            .Where(c => customerIds.Contains(c.CustomerId) && c.Status == ClaimStatus.Claimed && c.ExpiresAt <= now)
            .OrderBy(c => c.CustomerId).ThenBy(c => c.ExpiresAt).ToListAsync(ct);
        if (claims.Count == 0) return new Result(0, 0);
        var tenantId = db.Tenant.Require();
        var rewardIds = claims.Select(c => c.RewardId).Distinct().Order().ToArray();
        var rewards = await db.Rewards
            .FromSqlInterpolated($"SELECT * FROM rewards WHERE tenant_id = {tenantId} AND id = ANY({rewardIds}) ORDER BY id FOR UPDATE")
            .ToDictionaryAsync(r => r.Id, ct);
        var rules = await RulesInForce.AtAsync(db, now, ct);
        long returned = 0;
        foreach (var claim in claims)
        {
            claim.Status = ClaimStatus.Expired;
            claim.ExpiredAt = now;
            if (claim.ReturnPointsOnExpiry)
            {
                books.Credit(accounts[claim.CustomerId], EntryKind.RewardReturn, claim.CostPoints,
                    $"Points back: reward {claim.RewardName} (code {Codes.Display(claim.Code)}) was not claimed in time", now, rules.ExpiryDays,
                    ruleVersion: rules.Version, text: EntryText.RewardReturn(claim.RewardName, claim.Code));
                claim.ReturnedPoints = claim.CostPoints;
                returned += claim.CostPoints;
            }
            if (rewards[claim.RewardId].Stock is { } stock) rewards[claim.RewardId].Stock = stock + 1;
            books.Emit(RewardEvents.Expired, claim.CustomerId, claim.Id,
                new { claimId = claim.Id, rewardId = claim.RewardId, rewardName = claim.RewardName, returnedPoints = claim.ReturnedPoints });
        }
        await db.SaveChangesAsync(ct);
        return new Result(claims.Count, returned);
    }
}
