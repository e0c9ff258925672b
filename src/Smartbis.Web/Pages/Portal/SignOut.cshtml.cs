using Microsoft.AspNetCore.Mvc;
using Smartbis.Web.Features.Portal;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Pages.Portal;

/// <summary>Ends the member's portal session (the staff sign-in, if any, is untouched).</summary>
public sealed class SignOutModel : Microsoft.AspNetCore.Mvc.RazorPages.PageModel
{
    public IActionResult OnGet() => NotFound();

    public async Task<IActionResult> OnPostAsync()
    {
        if (TenantRouteMiddleware.Current(HttpContext) is not { } tenant) return NotFound();
        // The session cookie serves one tenant's portal: signing out of another tenant's portal leaves it alone.
        if (await CustomerSession.CustomerIdAsync(HttpContext, tenant.Id) is not null) await CustomerSession.SignOutAsync(HttpContext);
        return Redirect($"/{tenant.Slug}");
    }
}
