using System.Globalization;
using System.Text;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Reporting;

/// <summary>The liability and breakage report as CSV for the accountant (invariant numbers, UTF-8 with BOM), and the audit entry of the export.</summary>
public sealed class ExportLiabilityReport(SmartbisDb db, TimeProvider clock)
{
    public async Task<byte[]> ExecuteAsync(LiabilityReport.Result report, Tenant tenant, DateOnly from, DateOnly to, AuditActor actor, CancellationToken ct = default)
    {
        var inv = CultureInfo.InvariantCulture;
        string Money(long c) => (c / 100m).ToString("0.00", inv);
        // Ledger amounts: money for cashback, whole points for a points program (valued at the cost per point below).
        var points = report.RewardType == Programs.RewardType.Points;
        string M(long c) => points ? c.ToString(inv) : Money(c);
        var csv = new StringBuilder();
        csv.AppendLine($"# {tenant.Name} - liability and breakage, {from:yyyy-MM-dd} to {to:yyyy-MM-dd}, {tenant.CurrencyCode}, days in {tenant.TimeZone}"
            + (points ? $", earned/redeemed/expired/pending/available in points ({tenant.CurrencyName}), vouchers and value in {tenant.CurrencyCode}" : ""));
        // For points the daily liability also gets its money value at the cost per point, like the totals below.
        csv.AppendLine(points ? "date,earned,bonuses,redeemed,expired,liability_end_of_day,liability_value" : "date,earned,bonuses,redeemed,expired,liability_end_of_day");
        foreach (var p in report.Period.Series)
            csv.AppendLine($"{p.Day:yyyy-MM-dd},{M(p.EarnedCents)},,{M(p.RedeemedCents)},{M(p.ExpiredCents)},{M(p.LiabilityCents)}"
                + (points ? "," + Money(Programs.RewardUnits.ValueInCents(p.LiabilityCents, report.RewardType, report.CostPerPointCents)) : ""));
        csv.AppendLine();
        // For points the last column is the money value: points at the cost per point plus vouchers (what the screen shows).
        string Total(long pending, long available, long vouchers) => points
            ? Money(Programs.RewardUnits.ValueInCents(pending + available, report.RewardType, report.CostPerPointCents) + vouchers)
            : Money(pending + available + vouchers);
        csv.AppendLine(points ? "age_days,pending_points,available_points,vouchers,value" : "age_days,pending,available,vouchers,total");
        foreach (var b in report.Ageing)
            csv.AppendLine($"{b.Label.Replace('–', '-')},{M(b.PendingCents)},{M(b.AvailableCents)},{Money(b.VoucherCents)},{Total(b.PendingCents, b.AvailableCents, b.VoucherCents)}");
        csv.AppendLine($"total_now,{M(report.PendingCents)},{M(report.AvailableCents)},{Money(report.VoucherCents)},{Total(report.PendingCents, report.AvailableCents, report.VoucherCents)}");
        if (points)
        {
            csv.AppendLine($"cost_per_point,{Money(report.CostPerPointCents)}");
            csv.AppendLine($"value_now,{Money(report.ValueCents)}");
        }
        csv.AppendLine();
        csv.AppendLine($"given_in_period,{M(report.GivenCents)}");
        csv.AppendLine($"expired_in_period,{M(report.ExpiredCents)}");
        csv.AppendLine($"breakage_rate,{(report.BreakageRate ?? 0).ToString("0.0000", inv)}");
        RecordAudit.Add(db, actor, clock.GetUtcNow(), "report.exported",
            $"Liability report exported ({from:yyyy-MM-dd} to {to:yyyy-MM-dd})", "report", "liability", values: new { from = from.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), to = to.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) });
        await db.SaveChangesAsync(ct);
        return Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv.ToString())).ToArray();
    }
}
