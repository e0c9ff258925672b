using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Plans;

namespace Smartbis.Web.Pages.Admin;

/// <summary>
/// /admin/usage (operators): every tenant's usage in a month against its plan, and the same as CSV for invoicing
/// (?handler=Csv). Reads only.
/// </summary>
public sealed class UsageModel(SmartbisDb db, TimeProvider clock) : PageModel
{
    public sealed record Row(string Tenant, string Slug, string PlanCode, long PriceCents, UsageMonth Usage, PlanDefinition? Plan);

    /// <summary>yyyy-MM; the current month when missing or not a month.</summary>
    [BindProperty(SupportsGet = true)] public string? Month { get; set; }
    public DateOnly MonthStart { get; private set; }
    public List<Row> Rows { get; private set; } = [];
    public List<DateOnly> Months { get; private set; } = [];

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnGetCsvAsync()
    {
        await LoadAsync();
        // For the operator's spreadsheet in their language (pt-BR: ';' and "9,46"); the platform's days are São Paulo's.
        var csv = new Infrastructure.SpreadsheetCsv(CultureInfo.CurrentCulture.Name, "America/Sao_Paulo");
        csv.Line("month", "tenant", "slug", "plan", "price", "members", "active_members", "members_joined", "purchases", "emails_sent", "emails_over_allowance",
            "whatsapp_sent", "whatsapp_over_allowance", "api_calls", "stores", "staff");
        foreach (var r in Rows)
        {
            var u = r.Usage;
            long Over(long used, int? limit) => limit is { } l ? Math.Max(0, used - l) : 0;
            csv.Line([MonthStart.ToString("yyyy-MM", CultureInfo.InvariantCulture), csv.Text(r.Tenant), r.Slug, r.PlanCode,
                csv.Money(r.PriceCents), .. new long[] { u.Members, u.ActiveMembers, u.MembersJoined, u.Purchases, u.EmailsSent, Over(u.EmailsSent, r.Plan?.MaxEmailsPerMonth),
                u.WhatsAppSent, Over(u.WhatsAppSent, r.Plan?.MaxWhatsAppPerMonth), u.ApiCalls, u.Stores, u.Staff }.Select(csv.Number)]);
        }
        return File(csv.ToBytes(), "text/csv; charset=utf-8",
            $"smartbis-usage-{MonthStart:yyyy-MM}.csv");
    }


    private async Task LoadAsync()
    {
        MonthStart = DateOnly.TryParseExact(Month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var m)
            ? m : PlanLimits.MonthOf(clock.GetUtcNow());
        var usage = await CrossTenantRead.RunAsync(db, CrossTenantPurpose.OperatorUsage, async () =>
        {
            Months = await db.UsageMonths.IgnoreQueryFilters().Select(u => u.Month).Distinct().OrderByDescending(x => x).Take(24).ToListAsync();
            return await db.UsageMonths.IgnoreQueryFilters().Where(u => u.Month == MonthStart).ToListAsync();
        });
        var tenants = await db.Tenants.OrderBy(t => t.Name).Select(t => new { t.Id, t.Name, t.Slug, t.PlanCode }).ToListAsync();
        var plans = await db.Plans.ToDictionaryAsync(p => p.Code);
        var byTenant = usage.ToDictionary(u => u.TenantId);
        Rows = tenants.Select(t =>
        {
            var u = byTenant.GetValueOrDefault(t.Id) ?? new UsageMonth { TenantId = t.Id, Month = MonthStart };
            var planCode = u.PlanCode ?? t.PlanCode;
            var plan = plans.GetValueOrDefault(planCode);
            return new Row(t.Name, t.Slug, planCode, plan?.PriceCents ?? 0, u, plan);
        }).ToList();
        if (!Months.Contains(MonthStart)) Months.Insert(0, MonthStart);
    }
}
