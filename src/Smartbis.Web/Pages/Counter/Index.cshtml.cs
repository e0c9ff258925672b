using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Pages.Counter;

public sealed class IndexModel(SmartbisDb db, CurrentStaff staff) : PageModel
{
    public string? StoreName { get; private set; }

    public async Task OnGetAsync()
    {
        if (staff.Membership?.StoreId is { } storeId)
            StoreName = await db.Stores.Where(s => s.Id == storeId).Select(s => s.Name).SingleOrDefaultAsync();
    }
}
