using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Platform;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.Account;

public sealed class SignInModel(
    SignInManager<AppUser> signIn, SmartbisDb db, IOptionsMonitor<OperatorOptions> operators,
    IStringLocalizer<SharedResource> T, ILogger<SignInModel> log) : PageModel
{
    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter your email.")]
        [EmailAddress(ErrorMessage = "Enter a valid email address.")]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = "Enter your password.")]
        [DataType(DataType.Password)]
        public string Password { get; set; } = "";

        public bool RememberMe { get; set; }
    }

    [BindProperty] public InputModel Input { get; set; } = new();
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid) return Page();
        var user = await signIn.UserManager.FindByEmailAsync(Input.Email.Trim());
        if (user is null)
        {
            ModelState.AddModelError("", T["Email or password is incorrect."]);
            return Page();
        }
        var result = await CheckPasswordOneAtATimeAsync(user);
        if (result.IsLockedOut)
        {
            log.LogWarning("Sign-in refused: account {UserId} is locked out", user.Id);
            ModelState.AddModelError("", T["Too many failed attempts. This account is locked for 15 minutes."]);
            return Page();
        }
        if (!result.Succeeded)
        {
            ModelState.AddModelError("", T["Email or password is incorrect."]);
            return Page();
        }

        var (membership, tenant) = await StaffTenantMiddleware.FindMembershipAsync(db, user.Id, Guid.Empty, HttpContext.RequestAborted);
        var isOperator = operators.CurrentValue.IsOperator(user.Email);
        if (membership is null && !isOperator)
        {
            ModelState.AddModelError("", T["Your account is not part of any active business yet. Ask the owner to invite you."]);
            return Page();
        }
        var claims = tenant is null ? [] : new[] { new Claim(StaffClaims.Tenant, tenant.Id.ToString()) };
        await signIn.SignInWithClaimsAsync(user, Input.RememberMe, claims);
        if (user.PreferredLocale is { } locale) Languages.Remember(Response, locale);

        if (!string.IsNullOrEmpty(ReturnUrl) && Url.IsLocalUrl(ReturnUrl)) return LocalRedirect(ReturnUrl);
        return Redirect(membership switch
        {
            null => "/admin",
            { Role: StaffRole.Cashier } => "/counter",
            _ => "/app",
        });
    }

    /// <summary>
    /// Identity reads the failure count, checks the password and writes the count back without a lock, so 50 parallel
    /// wrong passwords would all be checked before any of them locks the account. Holding the user's row lock for the
    /// check makes the attempts of one account take turns: after the 5th failure the rest see the lockout.
    /// </summary>
    private async Task<Microsoft.AspNetCore.Identity.SignInResult> CheckPasswordOneAtATimeAsync(AppUser user) =>
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(HttpContext.RequestAborted);
            await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM users WHERE id = {user.Id} FOR UPDATE", HttpContext.RequestAborted);
            await db.Entry(user).ReloadAsync(HttpContext.RequestAborted);
            var result = await signIn.CheckPasswordSignInAsync(user, Input.Password, lockoutOnFailure: true);
            await tx.CommitAsync(HttpContext.RequestAborted);
            return result;
        });
}
