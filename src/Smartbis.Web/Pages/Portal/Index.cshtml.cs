using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.Portal;

/// <summary>The tenant's public program page: brand, how it works, the rules in plain words, join, stores.</summary>
public sealed class IndexModel(SmartbisDb db, TimeProvider clock) : PortalPage
{
    public sealed record StoreRow(string Name, string? Address);

    public List<StoreRow> Stores { get; private set; } = [];
    public List<string> Rules { get; private set; } = [];
    public ProgramRules? Program { get; private set; }
    public string? Ref { get; private set; }
    public bool Deleted { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? @ref, bool deleted = false)
    {
        if (!await LoadAsync(db)) return NotFound();
        Ref = string.IsNullOrWhiteSpace(@ref) ? null : Codes.Normalize(@ref);
        Deleted = deleted;
        Stores = await db.Stores.Where(s => s.Active).OrderBy(s => s.Name).Select(s => new StoreRow(s.Name, s.Address)).ToListAsync();
        try
        {
            var now = clock.GetUtcNow();
            Program = await RulesInForce.AtAsync(db, now);
            Rules = RulesInWords.Describe(Program, Tenant, Features.Reporting.Overview.Today(now, Tenant.TimeZone), P,
                await Features.Categories.CategoryNames.LoadAsync(db));
        }
        catch (OperationFailed) { /* a program without rules yet: the page still shows the brand and the stores */ }
        return Page();
    }

    public string Headline => Program is null
        ? P["Join the {0} rewards program.", Tenant.Name]
        : Program.IsPoints
            ? P["Earn {0} for every {1} you spend.", Features.Programs.RewardUnits.Format(Program.PointsPerCurrencyUnit, Program.RewardType, Tenant), Money(100)]
            : P["{0} back as {1} on every purchase.", (Program.EarnRateBps / 100m).ToString("0.##", System.Globalization.CultureInfo.CurrentUICulture) + "%", Tenant.CurrencyName];
}
