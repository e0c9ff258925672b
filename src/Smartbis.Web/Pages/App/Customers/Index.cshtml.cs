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

    /// <summary>Cashback or points: the unit of the balances.</summary>
    public Features.Programs.RewardType RewardType { get; private set; }

    public async Task OnGetAsync()
    {
        Sort = CustomerSearch.NormalizeSort(Sort);
        RewardType = await Features.Programs.RewardUnits.OfTenantAsync(db, HttpContext.RequestAborted);
        Result = await CustomerSearch.RunAsync(db, Q, Sort, PageNumber, HttpContext.RequestAborted);
    }

    public string Money(long cents) => Infrastructure.Money.Format(cents, Tenant.CurrencyCode, System.Globalization.CultureInfo.CurrentCulture.Name);

    /// <summary>A balance in the program's unit: "R$ 12,34" or "1.234 Pontos Aurora".</summary>
    public string Units(long amount) =>
        Features.Programs.RewardUnits.Format(amount, RewardType, Tenant.CurrencyName, Tenant.CurrencyCode, System.Globalization.CultureInfo.CurrentCulture.Name);

    /// <summary>The balance column: available plus vouchers for cashback (both money); for points the points, and vouchers (money) beside them.</summary>
    public string Balance(long available, long vouchers) => RewardType == Features.Programs.RewardType.Points
        ? Units(available) + (vouchers > 0 ? " + " + Money(vouchers) : "")
        : Money(available + vouchers);

    public string Link(int? page = null, string? sort = null) =>
        $"/app/customers?q={Uri.EscapeDataString(Q ?? "")}&sort={sort ?? Sort}&p={page ?? Result.PageNumber}";
}
