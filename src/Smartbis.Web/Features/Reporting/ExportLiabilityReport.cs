using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Reporting;

/// <summary>The liability and breakage report as CSV for the accountant in the tenant's locale and time zone (<see cref="SpreadsheetCsv"/>), and the audit entry of the export.</summary>
public sealed class ExportLiabilityReport(SmartbisDb db, TimeProvider clock)
{
    public async Task<byte[]> ExecuteAsync(LiabilityReport.Result report, Tenant tenant, DateOnly from, DateOnly to, AuditActor actor, CancellationToken ct = default)
    {
        var csv = new SpreadsheetCsv(tenant.Locale, tenant.TimeZone);
        string Money(long c) => csv.Money(c);
        // Ledger amounts: money for cashback, whole points for a points program (valued at the cost per point below).
        var points = report.RewardType == Programs.RewardType.Points;
        string M(long c) => points ? csv.Number(c) : Money(c);
        csv.Raw($"# {tenant.Name} - liability and breakage, {csv.Date(from)} to {csv.Date(to)}, {tenant.CurrencyCode}, days in {tenant.TimeZone}"
            + (points ? $", earned/redeemed/expired/pending/available in points ({tenant.CurrencyName}), vouchers and value in {tenant.CurrencyCode}" : ""));
        // For points the daily liability also gets its money value at the cost per point, like the totals below.
        if (points) csv.Line("date", "earned", "bonuses", "redeemed", "expired", "liability_end_of_day", "liability_value");
        else csv.Line("date", "earned", "bonuses", "redeemed", "expired", "liability_end_of_day");
        foreach (var p in report.Period.Series)
        {
            if (points)
                csv.Line(csv.Date(p.Day), M(p.EarnedCents), "", M(p.RedeemedCents), M(p.ExpiredCents), M(p.LiabilityCents),
                    Money(Programs.RewardUnits.ValueInCents(p.LiabilityCents, report.RewardType, report.CostPerPointCents)));
            else csv.Line(csv.Date(p.Day), M(p.EarnedCents), "", M(p.RedeemedCents), M(p.ExpiredCents), M(p.LiabilityCents));
        }
        csv.Raw("");
        // For points the last column is the money value: points at the cost per point plus vouchers (what the screen shows).
        string Total(long pending, long available, long vouchers) => points
            ? Money(Programs.RewardUnits.ValueInCents(pending + available, report.RewardType, report.CostPerPointCents) + vouchers)
            : Money(pending + available + vouchers);
        if (points) csv.Line("age_days", "pending_points", "available_points", "vouchers", "value");
        else csv.Line("age_days", "pending", "available", "vouchers", "total");
        foreach (var b in report.Ageing)
            csv.Line(b.Label.Replace('–', '-'), M(b.PendingCents), M(b.AvailableCents), Money(b.VoucherCents), Total(b.PendingCents, b.AvailableCents, b.VoucherCents));
        csv.Line("total_now", M(report.PendingCents), M(report.AvailableCents), Money(report.VoucherCents), Total(report.PendingCents, report.AvailableCents, report.VoucherCents));
        if (points)
        {
            csv.Line("cost_per_point", Money(report.CostPerPointCents));
            csv.Line("value_now", Money(report.ValueCents));
        }
        csv.Raw("");
        csv.Line("given_in_period", M(report.GivenCents));
        csv.Line("expired_in_period", M(report.ExpiredCents));
        csv.Line("breakage_rate", csv.Decimal((decimal)(report.BreakageRate ?? 0), 4));
        RecordAudit.Add(db, actor, clock.GetUtcNow(), "report.exported",
            $"Liability report exported ({from:yyyy-MM-dd} to {to:yyyy-MM-dd})", "report", "liability", values: new { from = from.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), to = to.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) });
        await db.SaveChangesAsync(ct);
        return csv.ToBytes();
    }
}
