using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Rewards;

/// <summary>
/// Redeems a reward for a customer (portal, counter, API): in one transaction, under the customer's account lock and
/// then the reward's row lock (always in this order), it checks the program is a points program, the reward is
/// available (dates, archive, stock, store), the customer's limit and balance; spends the points from the lots that
/// expire first (one RewardRedeem entry), takes one unit of stock, makes the claim with its code, emits
/// reward.redeemed and writes the audit entry. Idempotent by key: a replay returns the first claim.
/// </summary>
public sealed class RedeemReward(LedgerUnit unit, TenantContext tenant, TimeProvider clock)
{
    /// <param name="Source">Who chose the idempotency key and where the redemption comes from: "portal", "counter" or "api".</param>
    public sealed record Request(Guid CustomerId, Guid RewardId, string IdempotencyKey, string Source, Guid? StoreId = null);

    public sealed record Result(Guid ClaimId, Guid RewardId, string RewardName, Guid CustomerId, string Code, long CostPoints,
        DateTimeOffset ClaimedAt, DateTimeOffset ExpiresAt, Balances Balances);

    public Task<Idempotent<Result>> ExecuteAsync(Request r, AuditActor actor, CancellationToken ct = default)
    {
        var v = new Validation();
        Idempotency.ValidateKey(r.IdempotencyKey, v);
        v.ThrowIfInvalid();
        var write = new IdempotentWrite(r.Source, r.IdempotencyKey, "redeem_reward", Idempotency.Hash(r with { IdempotencyKey = "" }), 201);
        return unit.RunOnceAsync(tenant.Require(), write, clock, async (db, now) =>
        {
            await RequirePointsProgramAsync(db, now, ct);
            var customer = await db.Customers.Where(c => c.Id == r.CustomerId).Select(c => new { c.Name, c.Status }).SingleOrDefaultAsync(ct)
                           ?? throw new OperationFailed("not_found", "customer_not_found", "customerId", 404);
            if (customer.Status != CustomerStatus.Active)
                throw new OperationFailed("customer_blocked", "reward_customer_blocked", "customerId");
            var books = new Books(db, now);
            var account = await books.LockAsync(r.CustomerId, ct);
            var tenantId = db.Tenant.Require();
            var reward = await db.Rewards.FromSqlInterpolated($"SELECT * FROM rewards WHERE tenant_id = {tenantId} AND id = {r.RewardId} FOR UPDATE")
                             .SingleOrDefaultAsync(ct)
                         ?? throw new OperationFailed("not_found", "reward_not_found", "rewardId", 404);
            if (r.StoreId is { } storeId && !await db.Stores.AnyAsync(s => s.Id == storeId, ct))
                throw new OperationFailed("not_found", "reward_store_not_found", "storeId", 404);
            RefuseUnavailable(reward, now, r.StoreId);

            if (reward.PerCustomerLimit is { } limit
                && await db.RewardClaims.CountAsync(c => c.CustomerId == r.CustomerId && c.RewardId == reward.Id, ct) >= limit)
                throw new OperationFailed("limit_reached", "reward_limit_reached", "rewardId", 409, values: new { limit });

            await books.ExpireDueLotsAsync(account, ct); // points past their expiry cannot be spent
            var unitName = await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.CurrencyName).SingleAsync(ct);
            if (account.AvailableCents < reward.CostPoints)
                throw new OperationFailed("not_enough_points", "reward_not_enough_points", "rewardId",
                    values: new { cost = reward.CostPoints, available = account.AvailableCents, missing = reward.CostPoints - account.AvailableCents, unitName });

            var rules = await RulesInForce.AtAsync(db, now, ct);
            await books.ConsumeAvailableAsync(r.CustomerId, reward.CostPoints, ct);
            var claim = new RewardClaim
            {
                RewardId = reward.Id, CustomerId = r.CustomerId, Code = Codes.New(12), RewardName = reward.Name, CostPoints = reward.CostPoints,
                Channel = r.Source, RedeemedStoreId = r.StoreId, ClaimedAt = now, ExpiresAt = now.AddDays(reward.ClaimDays),
                ReturnPointsOnExpiry = reward.ReturnPointsOnExpiry,
            };
            var entry = books.Post(account, EntryKind.RewardRedeem, $"Reward redeemed: {reward.Name} (code {Codes.Display(claim.Code)})",
                available: -reward.CostPoints, ruleVersion: rules.Version, authorUserId: actor.UserId,
                text: EntryText.RewardRedeem(reward.Name, claim.Code));
            claim.LedgerEntryId = entry.Id;
            db.RewardClaims.Add(claim);
            if (reward.Stock is { } stock) reward.Stock = stock - 1;
            books.Emit(RewardEvents.Redeemed, r.CustomerId, claim.Id, new
            {
                claimId = claim.Id, rewardId = reward.Id, rewardName = reward.Name, kind = reward.Kind.ToString().ToLowerInvariant(),
                costPoints = reward.CostPoints, valueCents = reward.ValueCents, channel = r.Source, storeId = r.StoreId, expiresAt = claim.ExpiresAt,
            });
            var result = new Result(claim.Id, reward.Id, reward.Name, r.CustomerId, Codes.Display(claim.Code), reward.CostPoints, now, claim.ExpiresAt,
                Balances.Of(account));
            RecordAudit.Add(db, actor, now, "reward.redeemed",
                $"{Programs.RewardUnits.Format(reward.CostPoints, Programs.RewardType.Points, unitName, locale: "en")} of {(customer.Name.Length > 0 ? customer.Name : "a walk-in")} redeemed for {reward.Name} ({r.Source})",
                "reward_claim", claim.Id, null, new { claim.RewardId, claim.CustomerId, claim.CostPoints, claim.Channel, claim.RedeemedStoreId, claim.ExpiresAt }, values: new { points = reward.CostPoints, customer = customer.Name.Length > 0 ? customer.Name : "—", name = reward.Name, source = r.Source });
            return result;
        }, ct);
    }

    /// <summary>The catalogue belongs to points programs: a cashback program's redemption is refused.</summary>
    public static async Task RequirePointsProgramAsync(SmartbisDb db, DateTimeOffset now, CancellationToken ct)
    {
        var rules = await RulesInForce.FindAtAsync(db, now, ct);
        if (rules?.RewardType != RewardType.Points)
            throw new OperationFailed("catalogue_needs_points", "reward_catalogue_needs_points", "rewardId");
    }

    /// <summary>The refusal that says why a reward cannot be redeemed now (nothing when it can).</summary>
    public static void RefuseUnavailable(Reward reward, DateTimeOffset now, Guid? storeId)
    {
        switch (reward.AvailabilityAt(now, storeId))
        {
            case RewardAvailability.Archived: throw new OperationFailed("not_available", "reward_archived", "rewardId");
            case RewardAvailability.NotStarted:
                throw new OperationFailed("not_available", "reward_not_started", "rewardId", values: new { startsOn = new OnDay(reward.StartsAt!.Value) });
            case RewardAvailability.Ended:
                throw new OperationFailed("not_available", "reward_ended", "rewardId", values: new { endedOn = new OnDay(reward.EndsAt!.Value.AddTicks(-1)) });
            case RewardAvailability.OutOfStock: throw new OperationFailed("out_of_stock", "reward_out_of_stock", "rewardId", 409);
            case RewardAvailability.NotAtStore: throw new OperationFailed("not_available", "reward_not_at_store", "storeId");
        }
    }
}
