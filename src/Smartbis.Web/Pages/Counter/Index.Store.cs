using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Counter;

namespace Smartbis.Web.Pages.Counter;

/// <summary>POST /counter?handler=Store: a manager, owner or unbound cashier picks the store of this shift (a cookie, re-checked on every request).</summary>
public sealed partial class IndexModel
{
    public async Task<IActionResult> OnPostStoreAsync(Guid storeId)
    {
        if (!CanChooseStore) return Forbid();
        if (!await Db.Stores.AnyAsync(s => s.Id == storeId && s.Active)) return NotFound();
        CounterStore.Remember(HttpContext, storeId);
        return Redirect("/counter");
    }
}
