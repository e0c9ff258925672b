using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Onboarding;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.App.Customers;

/// <summary>CSV import: check first (every bad row with its line and reason), then import all or nothing.</summary>
[Authorize(Policy = Policies.Manager)]
[RequestSizeLimit(10_000_000)]
public sealed class ImportModel(ImportCustomers import, CurrentStaff staff, IStringLocalizer<DashboardText> L, Data.SmartbisDb db) : PageModel
{
    [BindProperty] public IFormFile? Upload { get; set; }
    [BindProperty] public bool DryRun { get; set; } = true;
    public ImportCustomers.Result? Result { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        if (Upload is null || Upload.Length == 0)
        {
            ModelState.AddModelError(nameof(Upload), L["Choose a CSV file."]);
            return Page();
        }
        try
        {
            await using var stream = Upload.OpenReadStream();
            Result = await import.ExecuteAsync(stream, DryRun, AuditActor.From(HttpContext, staff), HttpContext.RequestAborted);
        }
        catch (OperationFailed failed)
        {
            foreach (var m in ErrorTexts.All(failed, HttpContext)) ModelState.AddModelError(nameof(Upload), m);
        }
        return Page();
    }

    /// <summary>Opening balances in the program's unit: money, or whole points with the program's name.</summary>
    public async Task<string> BalanceAsync(long amount) =>
        Features.Programs.RewardUnits.Format(amount, await Features.Programs.RewardUnits.OfTenantAsync(db, HttpContext.RequestAborted),
            staff.Tenant!.CurrencyName, staff.Tenant.CurrencyCode, System.Globalization.CultureInfo.CurrentCulture.Name);
}
