using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Pages.App.Customers;

/// <summary>The customers (optionally those matching a search) as CSV, in the import's columns plus balances. Audited.</summary>
[Authorize(Policy = Policies.Manager)]
public sealed class ExportModel(CurrentStaff staff, ExportCustomers export, TimeProvider clock) : PageModel
{
    public async Task<IActionResult> OnGetAsync(string? q) =>
        File(await export.ExecuteAsync(q, AuditActor.From(HttpContext, staff), HttpContext.RequestAborted), "text/csv",
            $"customers-{staff.Tenant!.Slug}-{clock.GetUtcNow():yyyy-MM-dd}.csv");
}
