using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Platform;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.Account;

public sealed class SignInModel(
    SignInManager<AppUser> signIn, SmartbisDb db, IOptionsMonitor<OperatorOptions> operators,
    IStringLocalizer<SharedResource> T, ILogger<SignInModel> log, CheckStaffPassword checkPassword) : PageModel
{
    /// <summary>The one answer to every refused sign-in (unknown email, wrong password, locked account).</summary>
    public const string Refused = "Email or password is incorrect, or the account is locked for 15 minutes after 5 failed attempts.";

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
        // One answer for an unknown email, a wrong password and a locked account: the page never tells which
        // addresses have an account (CheckStaffPassword also makes them take about as long).
        var result = await checkPassword.ExecuteAsync(user, Input.Password, HttpContext.RequestAborted);
        if (!result.Succeeded)
        {
            if (result.IsLockedOut) log.LogWarning("Sign-in refused: account {UserId} is locked out", user!.Id);
            ModelState.AddModelError("", T[Refused]);
            return Page();
        }
        if (user is null) return Page(); // a success has a user; this tells the compiler

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
}
