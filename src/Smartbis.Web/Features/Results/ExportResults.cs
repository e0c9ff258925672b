using System.Globalization;
using System.Text;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Results;

/// <summary>The results page as CSV (invariant numbers, UTF-8 with BOM; money in the tenant's currency), and the audit entry of the export.</summary>
public sealed class ExportResults(SmartbisDb db, TimeProvider clock)
{
    public async Task<byte[]> ExecuteAsync(ResultsReport.Result r, Tenant tenant, AuditActor actor, CancellationToken ct = default)
    {
        var csv = new StringBuilder();
        csv.AppendLine($"# {tenant.Name} - results for members who joined {r.FromMonth:yyyy-MM} to {r.ToMonth:yyyy-MM}, {tenant.CurrencyCode}, days in {tenant.TimeZone}, "
            + $"95% intervals (difference of proportions; Welch's t), each member followed {RollUpResults.WindowDays} days after joining");
        csv.AppendLine("metric,members,control,difference,low_95,high_95,members_n,control_n,enough_data");
        void Row(string name, Comparison c, Func<double, string> f) =>
            csv.AppendLine($"{name},{f(c.Treated.Mean)},{f(c.Control.Mean)},{f(c.Difference)},{f(c.Low)},{f(c.High)},{c.Treated.N},{c.Control.N},{(c.Enough ? "yes" : "no")}");
        Row("return_rate_30d", r.Return30, Rate);
        Row("return_rate_60d", r.Return60, Rate);
        Row("return_rate_90d", r.Return90, Rate);
        Row("purchases_per_member_90d", r.PurchasesPerMember, Number);
        Row("average_ticket", r.AverageTicket, Money);
        Row("revenue_per_member_90d", r.RevenuePerMember, Money);
        csv.AppendLine();
        csv.AppendLine("figure,value,low_95,high_95");
        csv.AppendLine($"incremental_revenue,{Money(r.IncrementalRevenue.Cents)},{Money(r.IncrementalRevenue.LowCents)},{Money(r.IncrementalRevenue.HighCents)}");
        csv.AppendLine($"treated_members,{r.TreatedMembers},,");
        csv.AppendLine($"control_members,{r.ControlMembers},,");
        csv.AppendLine($"rewards_given,{Money(r.ProgramCost.RewardsGivenCents)},,");
        csv.AppendLine($"rewards_redeemed,{Money(r.ProgramCost.RewardsRedeemedCents)},,");
        csv.AppendLine($"vouchers_redeemed,{Money(r.ProgramCost.VouchersRedeemedCents)},,");
        csv.AppendLine($"emails_sent,{r.ProgramCost.Emails},,");
        csv.AppendLine($"whatsapp_sent,{r.ProgramCost.WhatsApps},,");
        csv.AppendLine($"messages_cost,{Money(r.ProgramCost.MessagesCents)},,");
        csv.AppendLine($"program_cost,{Money(r.ProgramCost.TotalCents)},,");
        csv.AppendLine(r.ReturnOnInvestment is { } roi ? $"roi,{Rate(roi.Value)},{Rate(roi.Low)},{Rate(roi.High)}" : "roi,,,");
        csv.AppendLine($"repeat_purchase_rate,{(r.RepeatPurchaseRate is { } rp ? Rate(rp) : "")},,");
        csv.AppendLine($"median_days_between_purchases,{(r.MedianDaysBetweenPurchases is { } md ? Number(md) : "")},,");
        csv.AppendLine();
        csv.AppendLine("month,identified_purchases,identified_revenue,walk_in_purchases,walk_in_revenue");
        foreach (var m in r.Months)
            csv.AppendLine($"{m.Start:yyyy-MM},{m.IdentifiedPurchases},{Money(m.IdentifiedRevenueCents)},{m.WalkInPurchases},{Money(m.WalkInRevenueCents)}");
        csv.AppendLine();
        csv.AppendLine("join_month,members," + string.Join(',', Enumerable.Range(0, RollUpResults.MaxMonthOffset + 1).Select(i => $"month_{i}")));
        foreach (var c in r.Cohorts)
            csv.AppendLine($"{c.JoinMonth:yyyy-MM},{c.Members}," + string.Join(',', c.Retention.Select(x => x is { } v ? Rate(v) : "")));
        RecordAudit.Add(db, actor, clock.GetUtcNow(), "results.exported",
            $"Results report exported (members who joined {r.FromMonth:yyyy-MM} to {r.ToMonth:yyyy-MM})", "report", "results",
            values: new { from = r.FromMonth.ToString("yyyy-MM", Inv), to = r.ToMonth.ToString("yyyy-MM", Inv) });
        await db.SaveChangesAsync(ct);
        return Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv.ToString())).ToArray();
    }

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static string Money(double cents) => (Math.Round(cents) / 100).ToString("0.00", Inv);
    private static string Rate(double x) => x.ToString("0.0000", Inv);
    private static string Number(double x) => x.ToString("0.000", Inv);
}
