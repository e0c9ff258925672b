using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Smartbis.Web.Features.Staff;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.Signup;

/// <summary>The link in a staff invitation: create the account (or confirm the existing one) and join the business.</summary>
public sealed class InviteModel(AcceptInvitation accept, SignInManager<AppUser> signIn) : PageModel
{
    public sealed class InputModel
    {
        public string? Name { get; set; }
        public string Password { get; set; } = "";
    }

    [BindProperty] public InputModel Input { get; set; } = new();
    public AcceptInvitation.Found? Found { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token)
    {
        Found = await accept.FindAsync(token);
        if (Found is null) Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string token)
    {
        try
        {
            var (user, found) = await accept.ExecuteAsync(new AcceptInvitation.Request(token, Input.Name, Input.Password));
            await signIn.SignInWithClaimsAsync(user, false, [new Claim(StaffClaims.Tenant, found.Tenant.Id.ToString())]);
            return Redirect(found.Invitation.Role == StaffRole.Cashier ? "/counter" : "/app");
        }
        catch (OperationFailed failed)
        {
            Found = await accept.FindAsync(token);
            if (Found is null) { Response.StatusCode = StatusCodes.Status404NotFound; return Page(); }
            if (failed.Status == StatusCodes.Status429TooManyRequests) Response.StatusCode = StatusCodes.Status429TooManyRequests;
            foreach (var (field, messages) in ErrorTexts.Render(failed, HttpContext))
                foreach (var m in messages)
                    ModelState.AddModelError(field.Length == 0 ? "" : $"Input.{field}", m);
            return Page();
        }
    }
}
