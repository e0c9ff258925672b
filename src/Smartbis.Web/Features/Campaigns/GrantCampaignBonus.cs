using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;

namespace Smartbis.Web.Features.Campaigns;

/// <summary>
/// A campaign's fixed bonus to one recipient: a <see cref="EntryKind.CampaignBonus"/> credit (pending/available and expiry
/// as the rules in force say for bonuses) and the recipient row marked, in one unit under the idempotency key
/// "campaign:{campaign}:{customer}" — so retries and concurrent runs credit it exactly once.
/// </summary>
public sealed class GrantCampaignBonus(LedgerUnit unit, TimeProvider clock)
{
    public sealed record Result(long Amount);

    public static string KeyOf(Guid campaignId, Guid customerId) => $"campaign:{campaignId:N}:{customerId:N}";

    public Task<Idempotent<Result>> ExecuteAsync(Guid tenantId, Campaign c, Guid customerId, CancellationToken ct = default)
    {
        var write = new IdempotentWrite("job", KeyOf(c.Id, customerId), "campaign_bonus", Idempotency.Hash(new { c.Id, customerId, c.BonusAmount }));
        return unit.RunOnceAsync(tenantId, write, clock, async (db, now) =>
        {
            var books = new Books(db, now);
            var account = await books.LockAsync(customerId, ct);
            var rules = await RulesInForce.AtAsync(db, now, ct);
            books.Credit(account, EntryKind.CampaignBonus, c.BonusAmount, $"Campaign bonus: {c.Name}", now, rules.ExpiryDays, ruleVersion: rules.Version,
                text: EntryText.CampaignBonus(c.Name));
            books.Emit(Events.BonusGranted, customerId, c.Id, new { kind = "campaign", amountCents = c.BonusAmount, campaignId = c.Id });
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                UPDATE campaign_recipients SET bonus_amount = {c.BonusAmount}, bonus_granted_at = {now}
                WHERE tenant_id = {tenantId} AND campaign_id = {c.Id} AND customer_id = {customerId}
                """, ct);
            return new Result(c.BonusAmount);
        }, ct);
    }
}
