using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Reporting;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Pages.App.Customers;

[Authorize(Policy = Policies.Manager)]
public sealed class IndexModel(SmartbisDb db, CurrentStaff staff) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public string Sort { get; set; } = CustomerSearch.DefaultSort;
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;

    public CustomerSearch.Page Result { get; private set; } = null!;
    public Tenant Tenant => staff.Tenant!;

    public async Task OnGetAsync()
    {
        Sort = CustomerSearch.NormalizeSort(Sort);
        Result = await CustomerSearch.RunAsync(db, Q, Sort, PageNumber, HttpContext.RequestAborted);
    }

    public string Money(long cents) => Infrastructure.Money.Format(cents, Tenant.CurrencyCode, System.Globalization.CultureInfo.CurrentCulture.Name);

    public string Link(int? page = null, string? sort = null) =>
        $"/app/customers?q={Uri.EscapeDataString(Q ?? "")}&sort={sort ?? Sort}&p={page ?? Result.PageNumber}";
}
