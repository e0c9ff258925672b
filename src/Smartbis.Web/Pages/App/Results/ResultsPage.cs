using System.Globalization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Reporting;
using Smartbis.Web.Features.Results;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Pages.App.Results;

/// <summary>What the results page and its printable report share: the months chosen, the report, and how figures are written.</summary>
public sealed class ResultsPage(ResultsReport.Result report, Tenant tenant, DateTimeOffset asOf)
{
    public ResultsReport.Result Report { get; } = report;
    public Tenant Tenant { get; } = tenant;
    public DateTimeOffset AsOf { get; } = asOf;
    private static CultureInfo Culture => CultureInfo.CurrentCulture;

    /// <summary>Reads the months asked for ("yyyy-MM"), with field errors for bad ones; defaults to the measurement so far.</summary>
    public static async Task<(ResultsPage Page, string? From, string? To)> LoadAsync(SmartbisDb db, RollUpResults rollUp, Tenant tenant, TimeProvider clock,
        string? from, string? to, ModelStateDictionary state, IStringLocalizer<ResultsText> L, CancellationToken ct)
    {
        var asOf = await rollUp.CatchUpAsync(tenant.Id, ct);
        var today = Overview.Today(clock.GetUtcNow(), tenant.TimeZone);
        var thisMonth = new DateOnly(today.Year, today.Month, 1);
        var versions = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.Set<ResultsSettings>(), ct);
        DateOnly? Parse(string? text, string field)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            if (DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) && d.Year >= 2000 && d <= thisMonth)
                return d;
            state.AddModelError(field, L["Choose a month up to this one."]);
            return null;
        }
        var f = Parse(from, "From");
        var t = Parse(to, "To");
        if (f is { } a && t is { } b && a > b) { state.AddModelError("To", L["The last month must be on or after the first."]); f = t = null; }
        if (f is { } a2 && t is { } b2 && (b2.Year - a2.Year) * 12 + b2.Month - a2.Month > 35) { state.AddModelError("To", L["Choose at most 36 months."]); f = t = null; }
        var toMonth = t ?? thisMonth;
        DateOnly fromMonth;
        if (f is { } chosen) fromMonth = chosen;
        else
        {
            // The measurement so far: from the first holdout's start (at most 24 months back), else the last 12 months.
            var first = ControlGroup.Periods(versions, tenant.TimeZone).FirstOrDefault();
            var start = first is null ? toMonth.AddMonths(-11) : new DateOnly(Local(first.From, tenant.TimeZone).Year, Local(first.From, tenant.TimeZone).Month, 1);
            fromMonth = start < toMonth.AddMonths(-23) ? toMonth.AddMonths(-23) : start > toMonth ? toMonth : start;
        }
        var report = await ResultsReport.LoadAsync(db, fromMonth, toMonth, today, ct);
        return (new ResultsPage(report, tenant, asOf), fromMonth.ToString("yyyy-MM"), toMonth.ToString("yyyy-MM"));
    }

    private static DateTime Local(DateTimeOffset at, string tz) =>
        TimeZoneInfo.ConvertTime(at, TimeZoneInfo.TryFindSystemTimeZoneById(tz, out var z) ? z : TimeZoneInfo.Utc).DateTime;

    public string Money(double cents) => Infrastructure.Money.Format((long)Math.Round(cents), Tenant.CurrencyCode, Culture.Name);
    public string SignedMoney(double cents) => (cents > 0 ? "+" : "") + Money(cents);
    public static string Percent(double? x) => x is { } v ? v.ToString("0.0%", Culture) : "–";
    public static string Points(double x) => (x * 100).ToString("+0.0;−0.0;0.0", Culture);
    public static string Number(double x, string format = "0.00") => x.ToString(format, Culture);
    public string Day(DateTimeOffset at) => Local(at, Tenant.TimeZone).ToString("d", Culture);
    public string MonthName(DateOnly m) => m.ToString("MMM yyyy", Culture);

    /// <summary>The SVG forest plot of one difference: its interval as a bar around the point, zero as a line.</summary>
    public static (double Zero, double Low, double High, double Point) Scale(Comparison c)
    {
        var extent = Math.Max(Math.Max(Math.Abs(c.Low), Math.Abs(c.High)), Math.Abs(c.Difference));
        if (extent <= 0) extent = 1;
        double X(double v) => 150 + v / extent * 140;
        return (150, X(c.Low), X(c.High), X(c.Difference));
    }

    /// <summary>A heat map cell's background: deeper green for a higher share.</summary>
    public static string Heat(double? share) => share is { } s ? $"background-color: rgba(25, 135, 84, {Math.Clamp(0.08 + s * 1.4, 0.08, 0.95).ToString("0.00", CultureInfo.InvariantCulture)}); color: {(s > 0.45 ? "#fff" : "#111")}" : "";
}
