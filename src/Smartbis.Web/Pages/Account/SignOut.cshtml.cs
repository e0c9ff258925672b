using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Pages.Account;

/// <summary>
/// Signs the user out everywhere: the security stamp is rotated first, so every copy of the cookie (another tab,
/// another device, one copied before sign-out) is refused on every node, then this browser's cookie is cleared.
/// </summary>
public sealed class SignOutModel(SignInManager<AppUser> signIn, RevokeStaffSessions revoke) : PageModel
{
    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        if (User.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId) await revoke.ExecuteAsync(userId, HttpContext.RequestAborted);
        await signIn.SignOutAsync();
        return Redirect("/");
    }
}
