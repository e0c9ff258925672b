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
        string M(long c) => (c / 100m).ToString("0.00", inv);
        var csv = new StringBuilder();
        csv.AppendLine($"# {tenant.Name} - liability and breakage, {from:yyyy-MM-dd} to {to:yyyy-MM-dd}, {tenant.CurrencyCode}, days in {tenant.TimeZone}");
        csv.AppendLine("date,earned,bonuses,redeemed,expired,liability_end_of_day");
        foreach (var p in report.Period.Series)
            csv.AppendLine($"{p.Day:yyyy-MM-dd},{M(p.EarnedCents)},,{M(p.RedeemedCents)},{M(p.ExpiredCents)},{M(p.LiabilityCents)}");
        csv.AppendLine();
        csv.AppendLine("age_days,pending,available,vouchers,total");
        foreach (var b in report.Ageing) csv.AppendLine($"{b.Label.Replace('–', '-')},{M(b.PendingCents)},{M(b.AvailableCents)},{M(b.VoucherCents)},{M(b.TotalCents)}");
        csv.AppendLine($"total_now,{M(report.PendingCents)},{M(report.AvailableCents)},{M(report.VoucherCents)},{M(report.TotalCents)}");
        csv.AppendLine();
        csv.AppendLine($"given_in_period,{M(report.GivenCents)}");
        csv.AppendLine($"expired_in_period,{M(report.ExpiredCents)}");
        csv.AppendLine($"breakage_rate,{(report.BreakageRate ?? 0).ToString("0.0000", inv)}");
        RecordAudit.Add(db, actor, clock.GetUtcNow(), "report.exported",
            $"Liability report exported ({from:yyyy-MM-dd} to {to:yyyy-MM-dd})", "report", "liability");
        await db.SaveChangesAsync(ct);
        return Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv.ToString())).ToArray();
    }
}
