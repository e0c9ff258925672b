using Microsoft.AspNetCore.Mvc;
using Smartbis.Web.Features.Counter;
using Smartbis.Web.Features.Programs;

namespace Smartbis.Web.Pages.Counter;

/// <summary>
/// GET /counter?handler=MaxCashback&amp;c={customer}&amp;amount={typed}: the most cashback this customer may use on the amount
/// typed, for F4 and the hint under the field. The rules compute it (<see cref="ProgramRules.MaxCashbackUsableCents"/>); the
/// script only shows it. Reads only.
/// </summary>
public sealed partial class IndexModel
{
    public async Task<IActionResult> OnGetMaxCashbackAsync(string? amount)
    {
        if (SelectedId is not { } customerId) return NotFound();
        var card = await FindCustomer.CardAsync(Db, customerId, Clock.GetUtcNow(), HttpContext.RequestAborted);
        if (card is null) return NotFound(); // another tenant's customer is simply not there
        var rules = await RulesInForce.CachedFindAtAsync(Db, Clock.GetUtcNow(), HttpContext.RequestAborted);
        var maxCents = rules is null || ParseMoney(amount) is not ({ } cents and > 0) ? 0 : rules.MaxCashbackUsableCents(cents, card.AvailableCents);
        return new JsonResult(new { maxCents, plain = Plain(maxCents), formatted = Fmt(maxCents) }); // plain for the field, formatted (with the currency) for the hint
    }
}
