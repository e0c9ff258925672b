using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Onboarding;
using Smartbis.Web.Features.Reporting;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Pages.App;

/// <summary>The overview: the program's results for a date range and store, from the daily roll-up.</summary>
public sealed class IndexModel(SmartbisDb db, CurrentStaff staff, RollUpDailyStats rollUp, TimeProvider clock,
    Microsoft.Extensions.Localization.IStringLocalizer<Infrastructure.SharedResource> T) : PageModel
{
    public static readonly string[] Presets = ["7d", "30d", "90d", "180d", "month", "custom"];

    [BindProperty(SupportsGet = true)] public string Range { get; set; } = "30d";
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Store { get; set; }

    public DateOnly FromDay { get; private set; }
    public DateOnly ToDay { get; private set; }
    public Overview.Result Result { get; private set; } = null!;
    /// <summary>When the figures were last rolled up from the ledger (shown on the page).</summary>
    public DateTimeOffset AsOf { get; private set; }
    public List<(Guid Id, string Name)> Stores { get; private set; } = [];
    public Checklist.State? Checklist { get; private set; }
    public Tenant Tenant => staff.Tenant!;
    /// <summary>The plan's standing, for the banner at 80 % and 100 % of a limit (Features/Plans).</summary>
    public Features.Plans.PlanStanding? Plan { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        // A cashier's place is the counter.
        if (staff.Role == StaffRole.Cashier) return Redirect("/counter");
        var ct = HttpContext.RequestAborted;
        Plan = await Features.Plans.PlanLimits.StandingAsync(db, clock.GetUtcNow(), ct, capped: true); // the banner only
        // The roll-up runs every 5 minutes from its job; the page reads what it holds (and rolls up only if the job is late).
        AsOf = await rollUp.CatchUpAsync(Tenant.Id, ct);
        var today = Overview.Today(clock.GetUtcNow(), Tenant.TimeZone);
        (From, To) = Infrastructure.DateFilters.Check(ModelState, nameof(From), From, nameof(To), To, today, T);
        (FromDay, ToDay) = Range switch
        {
            "7d" => (today.AddDays(-6), today),
            "90d" => (today.AddDays(-89), today),
            "180d" => (today.AddDays(-179), today),
            "month" => (new DateOnly(today.Year, today.Month, 1), today),
            "custom" when From is { } f && To is { } t && f <= t && t.DayNumber - f.DayNumber <= 731 => (f, t),
            _ => (today.AddDays(-29), today),
        };
        if (!Presets.Contains(Range) || (Range == "custom" && FromDay != From)) Range = "30d";
        Stores = (await db.Stores.OrderBy(s => s.Name).Select(s => new { s.Id, s.Name }).ToListAsync(ct)).Select(s => (s.Id, s.Name)).ToList();
        if (Store is { } s && Stores.All(x => x.Id != s)) Store = null; // another tenant's or unknown store: the whole business
        Result = await Overview.LoadAsync(db, Tenant.TimeZone, FromDay, ToDay, Store, ct);
        RewardType = await Features.Programs.RewardUnits.OfTenantAsync(db, ct);
        var checklist = await Features.Onboarding.Checklist.LoadAsync(db, ct);
        Checklist = checklist.Dismissed || checklist.Complete || !checklist.Started ? null : checklist;
        return Page();
    }

    public string Money(long cents) => Infrastructure.Money.Format(cents, Tenant.CurrencyCode, System.Globalization.CultureInfo.CurrentCulture.Name);

    /// <summary>Cashback or points: the unit of the ledger figures (earned, bonuses, redeemed, expired, liability).</summary>
    public Features.Programs.RewardType RewardType { get; private set; }
    public bool IsPoints => RewardType == Features.Programs.RewardType.Points;

    /// <summary>A ledger figure in the program's unit: money, or points with the reward's name.</summary>
    public string Units(long amount) => Features.Programs.RewardUnits.Format(amount, RewardType, Tenant.CurrencyName, Tenant.CurrencyCode, System.Globalization.CultureInfo.CurrentCulture.Name);

    /// <summary>The roll-up's time in the tenant's zone, for the freshness note.</summary>
    public string AsOfText() => TimeZoneInfo.ConvertTime(AsOf, TimeZoneInfo.FindSystemTimeZoneById(Tenant.TimeZone))
        .ToString("g", System.Globalization.CultureInfo.CurrentCulture);

    public static string Percent(double? rate) =>
        rate is { } r ? r.ToString("P1", System.Globalization.CultureInfo.CurrentCulture) : "—";

    /// <summary>The series for Chart.js, read by wwwroot/js/app-overview.js from a JSON data block.</summary>
    public object ChartData() => new
    {
        labels = Result.Series.Select(p => p.Day.ToString("d", System.Globalization.CultureInfo.CurrentCulture)),
        earned = Result.Series.Select(p => p.EarnedCents / 100m),
        redeemed = Result.Series.Select(p => p.RedeemedCents / 100m),
        expired = Result.Series.Select(p => p.ExpiredCents / 100m),
        purchases = Result.Series.Select(p => p.Purchases),
        revenue = Result.Series.Select(p => p.RevenueCents / 100m),
        members = Result.Series.Select(p => p.Members),
        liability = Result.Series.Select(p => p.LiabilityCents / 100m),
    };
}
