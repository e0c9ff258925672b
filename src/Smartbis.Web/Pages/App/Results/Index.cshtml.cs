using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Results;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Pages.App.Results;

/// <summary>
/// /app/results: members vs the control group for the members who joined in the chosen months, incremental revenue, cost
/// and ROI, identified vs walk-in sales, retention by month of joining; CSV export (audited). Owners and managers; reads
/// roll-ups only (the roll-up runs here only when the nightly job has not).
/// </summary>
[Authorize(Policy = Policies.Manager)]
public sealed class IndexModel(SmartbisDb db, CurrentStaff staff, RollUpResults rollUp, TimeProvider clock, IStringLocalizer<ResultsText> L) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    [BindProperty(SupportsGet = true)] public string? To { get; set; }

    public ResultsPage View { get; private set; } = null!;
    public bool IsOwner => staff.Role == StaffRole.Owner;

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnGetCsvAsync([FromServices] ExportResults export)
    {
        await LoadAsync();
        var csv = await export.ExecuteAsync(View.Report, View.Tenant, AuditActor.From(HttpContext, staff), HttpContext.RequestAborted);
        return File(csv, "text/csv", $"results-{View.Tenant.Slug}-{View.Report.FromMonth:yyyy-MM}-{View.Report.ToMonth:yyyy-MM}.csv");
    }

    private async Task LoadAsync()
    {
        (View, From, To) = await ResultsPage.LoadAsync(db, rollUp, staff.Tenant!, clock, From, To, ModelState, L, HttpContext.RequestAborted);
    }
}
