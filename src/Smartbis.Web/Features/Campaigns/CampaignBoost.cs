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
        var best = await (from r in db.Set<CampaignRecipient>()
                          join c in db.Set<Campaign>() on r.CampaignId equals c.Id
                          where r.CustomerId == customerId && !r.Holdout && c.MultiplierBps > Campaign.NoMultiplier
                                && (c.Status == CampaignStatus.Sending || c.Status == CampaignStatus.Sent)
                                && c.BoostFrom <= at && c.BoostUntil > at
                          select (int?)c.MultiplierBps).MaxAsync(ct);
        return best ?? Campaign.NoMultiplier;
    }

    /// <summary>A tier's multiplier and a campaign's together (both in basis points of ×1).</summary>
    public static int Combine(int tierBps, int campaignBps) =>
        campaignBps == Campaign.NoMultiplier ? tierBps : (int)((long)tierBps * campaignBps / Campaign.NoMultiplier);
}
