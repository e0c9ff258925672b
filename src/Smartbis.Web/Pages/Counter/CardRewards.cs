using Microsoft.AspNetCore.Mvc;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Rewards;

namespace Smartbis.Web.Pages.Counter;

/// <summary>On the counter's customer card: the rewards this customer can redeem now (points programs only), each a link to confirm.</summary>
public sealed class CardRewardsViewComponent(SmartbisDb db, TimeProvider clock) : ViewComponent
{
    public sealed record Model(Guid CustomerId, RewardCatalogue.View Catalogue, string UnitName, string Locale);

    public async Task<IViewComponentResult> InvokeAsync(Guid customerId, Guid? storeId, string unitName, string locale)
    {
        var view = await RewardCatalogue.ForCustomerAsync(db, customerId, clock.GetUtcNow(), storeId);
        return View(new Model(customerId, view, unitName, locale));
    }
}
