using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Reporting;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Customers;

/// <summary>
/// The customers (optionally those matching a search) as CSV, in the import's columns plus balances, for a spreadsheet in the tenant's locale (<see cref="SpreadsheetCsv"/>),
/// and the audit entry of the export.
/// </summary>
public sealed class ExportCustomers(SmartbisDb db, TimeProvider clock)
{
    public async Task<byte[]> ExecuteAsync(string? q, AuditActor actor, CancellationToken ct = default)
    {
        var rows = await CustomerSearch.Filter(db, q).OrderBy(c => c.Name).ThenBy(c => c.Id)
            .Select(c => new
            {
                c.Name, c.Phone, c.Email, c.Cpf, c.BirthDate, c.CardCode, c.Status, c.JoinedAt, c.EmailConsent, c.WhatsAppConsent,
                Account = db.Accounts.Where(a => a.CustomerId == c.Id).Select(a => new { a.AvailableCents, a.PendingCents, a.VoucherCents }).FirstOrDefault(),
                Last = db.Purchases.Where(p => p.CustomerId == c.Id).Max(p => (DateTimeOffset?)p.OccurredAt),
            }).ToListAsync(ct);
        // For the merchant's spreadsheet: the tenant's locale (pt-BR: ';' and "9,46") and time zone (SpreadsheetCsv).
        var tenant = await db.Tenants.Where(t => t.Id == db.Tenant.Require()).Select(t => new { t.Locale, t.TimeZone }).SingleAsync(ct);
        var csv = new SpreadsheetCsv(tenant.Locale, tenant.TimeZone);
        var en = tenant.Locale.StartsWith("en", StringComparison.OrdinalIgnoreCase);
        // available and pending are in the program's unit (whole points for a points program); vouchers are money.
        var points = await Programs.RewardUnits.OfTenantAsync(db, ct) == Programs.RewardType.Points;
        string U(long c) => points ? csv.Number(c) : csv.Money(c);
        string YesNo(bool b) => b ? (en ? "yes" : "sim") : (en ? "no" : "não");
        // The header keeps the import's column names, so the file can be imported back (the import reads ';' and "9,46").
        csv.Line("name", "phone", "email", "cpf", "birth_date", "card_code", "status", "joined_at", "email_consent", "whatsapp_consent",
            "available", "pending", "vouchers", "last_purchase_at");
        foreach (var r in rows)
            csv.Line(csv.Text(r.Name), csv.Text(r.Phone, phone: true), csv.Text(r.Email), r.Cpf, csv.Date(r.BirthDate), r.CardCode, r.Status.ToString(),
                csv.DateTime(r.JoinedAt), YesNo(r.EmailConsent), YesNo(r.WhatsAppConsent), U(r.Account?.AvailableCents ?? 0), U(r.Account?.PendingCents ?? 0),
                csv.Money(r.Account?.VoucherCents ?? 0), csv.DateTime(r.Last));
        RecordAudit.Add(db, actor, clock.GetUtcNow(), "customers.exported",
            $"{rows.Count} customers exported to CSV{(string.IsNullOrWhiteSpace(q) ? "" : $" (search “{q}”)")}", "customers", null, values: new { count = rows.Count });
        await db.SaveChangesAsync(ct);
        return csv.ToBytes();
    }
}
