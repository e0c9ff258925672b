using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Smartbis.Web.Features.Automations;

namespace Smartbis.Web.Pages.Unsubscribe;

/// <summary>
/// The opt-out link of every automated message. GET asks for confirmation (link scanners must not unsubscribe
/// anyone); POST opts out — from the button here, or from the mail client's one-click (RFC 8058), which posts
/// without a cookie or antiforgery token: the signed token is the authorization.
/// </summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
public sealed class IndexModel(OptOut optOut) : PageModel
{
    public OptOut.Target? Target { get; private set; }
    public bool Done { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token)
    {
        Target = await optOut.ReadAsync(token, HttpContext.RequestAborted);
        if (Target is null) Response.StatusCode = StatusCodes.Status404NotFound;
        Done = Target?.AlreadyOut == true;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string token)
    {
        Target = await optOut.ExecuteAsync(token, ct: HttpContext.RequestAborted);
        if (Target is null) Response.StatusCode = StatusCodes.Status404NotFound;
        Done = Target is not null;
        return Page();
    }
}
