using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Rewards;

/// <summary>
/// The cashier hands over a redeemed reward: the customer shows its code, the claim is marked delivered at this store
/// (once; at a store where the reward can be claimed; before it expires), with its audit entry. The points were spent
/// when it was redeemed: no ledger entry. Locks the customer's account, then the claim — the order of the expiry job.
/// </summary>
public sealed class DeliverReward(LedgerUnit unit, TenantContext tenant, TimeProvider clock)
{
    public sealed record Result(Guid ClaimId, Guid CustomerId, string RewardName, string Code, DateTimeOffset DeliveredAt);

    public Task<Result> ExecuteAsync(string typedCode, Guid storeId, AuditActor actor, CancellationToken ct = default)
    {
        var code = Codes.Normalize(typedCode);
        new Validation().Check(code.Length > 0, "code", "reward_code_required").ThrowIfInvalid();
        return unit.RunAsync(tenant.Require(), async db =>
        {
            var now = clock.GetUtcNow();
            var owner = await db.RewardClaims.Where(c => c.Code == code).Select(c => (Guid?)c.CustomerId).SingleOrDefaultAsync(ct)
                        ?? throw new OperationFailed("not_found", "reward_code_not_found", "code", 404);
            await new Books(db, now).LockAsync(owner, ct);
            var tenantId = db.Tenant.Require();
            var claim = await db.RewardClaims.FromSqlInterpolated($"SELECT * FROM reward_claims WHERE tenant_id = {tenantId} AND code = {code} FOR UPDATE")
                .SingleAsync(ct);
            if (claim.Status == ClaimStatus.Delivered)
                throw new OperationFailed("reward_delivered", "reward_already_delivered", "code", 409, values: new { deliveredAt = claim.DeliveredAt });
            if (claim.Status == ClaimStatus.Expired || claim.ExpiresAt <= now)
                throw new OperationFailed("reward_expired", "reward_claim_expired", "code", values: new { expiredOn = new OnDay(claim.ExpiresAt) });
            var reward = await db.Rewards.SingleAsync(r => r.Id == claim.RewardId, ct);
            if (!reward.ClaimableAt(storeId))
                throw new OperationFailed("not_available", "reward_not_at_store", "code");
            claim.Status = ClaimStatus.Delivered;
            claim.DeliveredAt = now;
            claim.DeliveredStoreId = storeId;
            claim.DeliveredByUserId = actor.UserId;
            db.OutboxEvents.Add(OutboxEvent.Of(RewardEvents.Delivered, claim.CustomerId, claim.Id,
                new { claimId = claim.Id, rewardId = claim.RewardId, rewardName = claim.RewardName, storeId }, now));
            RecordAudit.Add(db, actor with { StoreId = storeId }, now, "reward.delivered", $"Reward {claim.RewardName} delivered (code {Codes.Display(claim.Code)})",
                "reward_claim", claim.Id, new { Status = nameof(ClaimStatus.Claimed) }, new { Status = nameof(ClaimStatus.Delivered), DeliveredStoreId = storeId }, values: new { name = claim.RewardName, code = Codes.Display(claim.Code) });
            await db.SaveChangesAsync(ct);
            return new Result(claim.Id, claim.CustomerId, claim.RewardName, Codes.Display(claim.Code), now);
        }, ct);
    }
}
