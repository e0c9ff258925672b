using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Onboarding;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;
using Smartbis.Web.Pages.App;

namespace Smartbis.Web.Pages.Signup;

/// <summary>Public "Create my program": creates the business and its owner, signs them in, shows the checklist.</summary>
public sealed class IndexModel(SignUp signUp, SignInManager<AppUser> signIn, SmartbisDb db, IStringLocalizer<DashboardText> L) : PageModel
{
    public sealed class InputModel
    {
        public string BusinessName { get; set; } = "";
        public string Slug { get; set; } = "";
        public string OwnerName { get; set; } = "";
        public string Email { get; set; } = "";
        public string Password { get; set; } = "";
        public string RewardType { get; set; } = "cashback";
        public string EarnRatePercent { get; set; } = "5";
        public string PointsPerUnit { get; set; } = "1";
        public string CurrencyName { get; set; } = "Cashback";
        /// <summary>Free, or a paid plan's trial (the plans page links here with ?plan=).</summary>
        public string PlanCode { get; set; } = Features.Plans.PlanDefinition.Free;
    }

    [BindProperty] public InputModel Input { get; set; } = new();
    public string Host => $"{Request.Scheme}://{Request.Host}/";

    public List<Features.Plans.PlanDefinition> Plans { get; private set; } = [];

    public async Task OnGetAsync(string? plan)
    {
        await LoadPlansAsync();
        if (Plans.Any(p => p.Code == plan)) Input.PlanCode = plan!;
    }

    private async Task LoadPlansAsync() =>
        Plans = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            db.Plans.Where(p => p.Public && (p.Code == Features.Plans.PlanDefinition.Free || p.TrialDays > 0)).OrderBy(p => p.Position));

    /// <summary>Live check while typing: { ok, message } in the user's language.</summary>
    public async Task<IActionResult> OnGetCheckSlugAsync(string? slug)
    {
        var error = await SignUp.CheckSlugAsync(db, slug?.Trim().ToLowerInvariant(), HttpContext.RequestAborted);
        return new JsonResult(new { ok = error is null, message = error is null ? L["This address is available."].Value : ErrorTexts.Render(ErrorText.Of(error), System.Globalization.CultureInfo.CurrentUICulture) });
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var locale = System.Globalization.CultureInfo.CurrentUICulture.Name == "en" ? "en" : "pt-BR";
        try
        {
            var result = await signUp.ExecuteAsync(new SignUp.Request(
                Input.BusinessName, Input.Slug, Input.OwnerName, Input.Email, Input.Password,
                Input.EarnRatePercent, Input.CurrencyName, Input.RewardType, locale, Input.PlanCode, Input.PointsPerUnit), HttpContext.RequestAborted);
            await signIn.SignInWithClaimsAsync(result.Owner, false, [new Claim(StaffClaims.Tenant, result.TenantId.ToString())]);
            Languages.Remember(Response, locale);
            return Redirect("/app/welcome");
        }
        catch (OperationFailed failed)
        {
            foreach (var (field, messages) in ErrorTexts.Render(failed, HttpContext))
                foreach (var m in messages)
                    ModelState.AddModelError(field.Length == 0 ? "" : $"Input.{field}", m);
            Input.Password = "";
            await LoadPlansAsync();
            return Page();
        }
    }
}
