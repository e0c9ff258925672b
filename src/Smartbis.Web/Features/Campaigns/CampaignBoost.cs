using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;

namespace Smartbis.Web.Features.Campaigns;

/// <summary>
/// A campaign's multiplier in the earn computation ("double cashback this weekend"): the best multiplier of the campaigns
/// that reached this customer (a recipient, not held out) whose window holds the purchase's moment. 10 000 = ×1.
/// </summary>
public static class CampaignBoost
{
    public static async Task<int> MultiplierBpsAsync(SmartbisDb db, Guid customerId, DateTimeOffset at, CancellationToken ct = default)
    {
        // The tenant's boosting campaigns come from the configuration cache (dropped on every node when a campaign changes):
        // a purchase outside every boost window reads nothing more.
        var tenantId = db.Tenant.Require();
        var boosts = await db.CachedAsync(tenantId, "campaign-boosts", () => db.Set<Campaign>().AsNoTracking()
            .Where(c => c.MultiplierBps > Campaign.NoMultiplier && (c.Status == CampaignStatus.Sending || c.Status == CampaignStatus.Sent))
            .Select(c => new Boost(c.Id, c.MultiplierBps, c.BoostFrom, c.BoostUntil)).ToListAsync(ct));
        var live = boosts.Where(b => b.From <= at && b.Until > at).Select(b => b.CampaignId).ToList();
        if (live.Count == 0) return Campaign.NoMultiplier;
        var best = await (from r in db.Set<CampaignRecipient>()
                          join c in db.Set<Campaign>() on r.CampaignId equals c.Id
                          where r.CustomerId == customerId && !r.Holdout && live.Contains(c.Id) && c.MultiplierBps > Campaign.NoMultiplier
                                && (c.Status == CampaignStatus.Sending || c.Status == CampaignStatus.Sent)
                                && c.BoostFrom <= at && c.BoostUntil > at
                          select (int?)c.MultiplierBps).MaxAsync(ct);
        return best ?? Campaign.NoMultiplier;
    }

    private sealed record Boost(Guid CampaignId, int MultiplierBps, DateTimeOffset? From, DateTimeOffset? Until);

    /// <summary>A tier's multiplier and a campaign's together (both in basis points of ×1).</summary>
    public static int Combine(int tierBps, int campaignBps) =>
        campaignBps == Campaign.NoMultiplier ? tierBps : (int)((long)tierBps * campaignBps / Campaign.NoMultiplier);
}
