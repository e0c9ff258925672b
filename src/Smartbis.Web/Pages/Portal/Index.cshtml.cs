using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Pages.Portal;

/// <summary>The tenant's public program page: the {tenant} route segment sets the tenant.</summary>
public sealed class IndexModel(SmartbisDb db) : PageModel
{
    public sealed record StoreRow(string Name, string? Address);

    public string Name { get; private set; } = "";
    public string Color { get; private set; } = "";
    public List<StoreRow> Stores { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (TenantRouteMiddleware.Current(HttpContext) is not { } t) return NotFound();
        Name = t.Name;
        Color = t.PrimaryColor;
        Stores = await db.Stores.Where(s => s.Active).OrderBy(s => s.Name).Select(s => new StoreRow(s.Name, s.Address)).ToListAsync();
        return Page();
    }
}
