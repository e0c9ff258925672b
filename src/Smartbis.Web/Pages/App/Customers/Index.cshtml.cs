using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Reporting;
using Smartbis.Web.Features.Segments;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Pages.App.Customers;

[Authorize(Policy = Policies.Manager)]
public sealed class IndexModel(SmartbisDb db, CurrentStaff staff) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public string Sort { get; set; } = CustomerSearch.DefaultSort;
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;
    /// <summary>A segment name (New, Active, Loyal, AtRisk, Lost) and/or a tag id; anything else is ignored.</summary>
    [BindProperty(SupportsGet = true)] public string? Segment { get; set; }
    [BindProperty(SupportsGet = true)] public string? Tag { get; set; }
    public List<(Guid Id, string Name)> Tags { get; private set; } = [];

    public CustomerSearch.Page Result { get; private set; } = null!;
    public Tenant Tenant => staff.Tenant!;

    /// <summary>Cashback or points: the unit of the balances.</summary>
    public Features.Programs.RewardType RewardType { get; private set; }

    public async Task OnGetAsync()
    {
        Sort = CustomerSearch.NormalizeSort(Sort);
        RewardType = await Features.Programs.RewardUnits.OfTenantAsync(db, HttpContext.RequestAborted);
        SegmentKind? segment = Enum.TryParse<SegmentKind>(Segment, out var s) && Enum.IsDefined(s) && !int.TryParse(Segment, out _) ? s : null;
        Guid? tag = Guid.TryParse(Tag, out var t) ? t : null;
        Segment = segment?.ToString();
        Tags = (await db.Set<Features.Segments.Tag>().AsNoTracking().OrderBy(x => x.Name).Select(x => new { x.Id, x.Name }).ToListAsync(HttpContext.RequestAborted))
            .Select(x => (x.Id, x.Name)).ToList();
        if (tag is { } id && Tags.All(x => x.Id != id)) tag = null; // another tenant's or a deleted tag: no filter
        Tag = tag?.ToString();
        Result = await CustomerSearch.RunAsync(db, Q, Sort, PageNumber, segment, tag, HttpContext.RequestAborted);
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
        $"/app/customers?q={Uri.EscapeDataString(Q ?? "")}&sort={sort ?? Sort}&p={page ?? Result.PageNumber}" +
        (Segment is null ? "" : $"&segment={Segment}") + (Tag is null ? "" : $"&tag={Tag}");
}
