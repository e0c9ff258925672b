using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Reporting;

namespace Smartbis.Web.Features.Customers;

/// <summary>
/// The customers (optionally those matching a search) as CSV, in the import's columns plus balances (UTF-8 with BOM),
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
        var inv = CultureInfo.InvariantCulture;
        // available and pending are in the program's unit (whole points for a points program); vouchers are money.
        var points = await Programs.RewardUnits.OfTenantAsync(db, ct) == Programs.RewardType.Points;
        string M(long c) => (c / 100m).ToString("0.00", inv);
        string U(long c) => points ? c.ToString(inv) : M(c);
        string Q(string? s) => s is null ? "" : s.IndexOfAny([',', '"', '\n', ';']) >= 0 || s.StartsWith('=') || s.StartsWith('+') || s.StartsWith('-') || s.StartsWith('@')
            ? "\"" + (s.StartsWith('=') || s.StartsWith('@') ? "'" : "") + s.Replace("\"", "\"\"") + "\"" : s;
        // A name is free text typed by anyone who joins: one that starts like a formula (=, +, -, @, tab) opens as text in
        // a spreadsheet, not as a formula (CSV injection). Phones keep their leading + (they are validated E.164).
        string Name(string s) => s.Length > 0 && "=+-@\t\r".Contains(s[0]) ? "\"'" + s.Replace("\"", "\"\"") + "\"" : Q(s);
        var csv = new StringBuilder("name,phone,email,cpf,birth_date,card_code,status,joined_at,email_consent,whatsapp_consent,available,pending,vouchers,last_purchase_at\n");
        foreach (var r in rows)
            csv.Append(string.Join(",", Name(r.Name), Q(r.Phone), Q(r.Email), r.Cpf, r.BirthDate?.ToString("yyyy-MM-dd"), r.CardCode, r.Status,
                r.JoinedAt?.ToString("o", inv), r.EmailConsent, r.WhatsAppConsent, U(r.Account?.AvailableCents ?? 0), U(r.Account?.PendingCents ?? 0),
                M(r.Account?.VoucherCents ?? 0), r.Last?.ToString("o", inv))).Append('\n');
        RecordAudit.Add(db, actor, clock.GetUtcNow(), "customers.exported",
            $"{rows.Count} customers exported to CSV{(string.IsNullOrWhiteSpace(q) ? "" : $" (search “{q}”)")}", "customers", null, values: new { count = rows.Count });
        await db.SaveChangesAsync(ct);
        return Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv.ToString())).ToArray();
    }
}
