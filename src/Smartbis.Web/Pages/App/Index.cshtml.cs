using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;

namespace Smartbis.Web.Pages.App;

public sealed class IndexModel(SmartbisDb db) : PageModel
{
    public int Stores { get; private set; }
    public int Staff { get; private set; }

    public async Task OnGetAsync()
    {
        Stores = await db.Stores.CountAsync(s => s.Active);
        Staff = await db.Memberships.CountAsync();
    }
}
