using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Results;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Pages.App.Results;

/// <summary>/app/results/print: the same report on a page styled for printing (or saving as PDF) and forwarding; by default the last month.</summary>
[Authorize(Policy = Policies.Manager)]
public sealed class PrintModel(SmartbisDb db, CurrentStaff staff, RollUpResults rollUp, TimeProvider clock, IStringLocalizer<ResultsText> L) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    [BindProperty(SupportsGet = true)] public string? To { get; set; }

    public ResultsPage View { get; private set; } = null!;

    public async Task OnGetAsync() =>
        (View, From, To) = await ResultsPage.LoadAsync(db, rollUp, staff.Tenant!, clock, From, To, ModelState, L, HttpContext.RequestAborted);
}
