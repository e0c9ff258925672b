using Smartbis.Web.Features.Tiers;

namespace Smartbis.Web.Pages.Counter;

/// <summary>The level on the customer card (tiers on): read when the card is drawn, with the app's clock.</summary>
public sealed partial class IndexModel
{
    public async Task<TierStatus?> TierAsync() =>
        Card is null ? null : await TierStatus.ForCustomerAsync(Db, Card.Id, Clock.GetUtcNow(), HttpContext.RequestAborted);
}
