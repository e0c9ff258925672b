using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Reporting;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Pages.App.Reports;

/// <summary>Liability and breakage: for the accountant who books what the merchant owes. CSV export is audited.</summary>
[Authorize(Policy = Policies.Manager)]
public sealed class LiabilityModel(SmartbisDb db, CurrentStaff staff, RollUpDailyStats rollUp, TimeProvider clock,
    Microsoft.Extensions.Localization.IStringLocalizer<Infrastructure.SharedResource> T) : PageModel
{
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }

    public LiabilityReport.Result Report { get; private set; } = null!;
    public DateOnly FromDay { get; private set; }
    public DateOnly ToDay { get; private set; }
    public Tenant Tenant => staff.Tenant!;

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnGetCsvAsync([FromServices] ExportLiabilityReport export)
    {
        await LoadAsync();
        var csv = await export.ExecuteAsync(Report, Tenant, FromDay, ToDay, AuditActor.From(HttpContext, staff), HttpContext.RequestAborted);
        return File(csv, "text/csv", $"liability-{Tenant.Slug}-{ToDay:yyyy-MM-dd}.csv");
    }

    private async Task LoadAsync()
    {
        await rollUp.ExecuteAsync(Tenant.Id);
        var today = Overview.Today(clock.GetUtcNow(), Tenant.TimeZone);
        (From, To) = Infrastructure.DateFilters.Check(ModelState, nameof(From), From, nameof(To), To, today, T);
        (FromDay, ToDay) = From is { } f && To is { } t && f <= t && t.DayNumber - f.DayNumber <= 1100 ? (f, t) : (today.AddDays(-179), today);
        Report = await LiabilityReport.LoadAsync(db, Tenant.TimeZone, FromDay, ToDay, clock.GetUtcNow());
    }

    public string Money(long cents) => Infrastructure.Money.Format(cents, Tenant.CurrencyCode, CultureInfo.CurrentCulture.Name);

    /// <summary>A ledger amount in the program's unit (money, or points with the reward's name).</summary>
    public string Units(long amount) => Features.Programs.RewardUnits.Format(amount, Report.RewardType, Tenant.CurrencyName, Tenant.CurrencyCode, CultureInfo.CurrentCulture.Name);

    /// <summary>Ledger units in money: points at the stated cost per point, cashback as is.</summary>
    public long ValueOf(long amount) => Features.Programs.RewardUnits.ValueInCents(amount, Report.RewardType, Report.CostPerPointCents);

    public object ChartData() => new
    {
        labels = Report.Period.Series.Select(p => p.Day.ToString("d", CultureInfo.CurrentCulture)),
        liability = Report.Period.Series.Select(p => p.LiabilityCents / 100m),
        expired = Report.Period.Series.Select(p => p.ExpiredCents / 100m),
        earned = Report.Period.Series.Select(p => p.EarnedCents / 100m),
        redeemed = Report.Period.Series.Select(p => p.RedeemedCents / 100m),
        purchases = Report.Period.Series.Select(_ => 0),
        revenue = Report.Period.Series.Select(_ => 0),
        members = Report.Period.Series.Select(p => p.Members),
    };
}
