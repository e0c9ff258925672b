using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Tenancy;

/// <summary>The business's identity and branding (owners): name, reward name, language, time zone, colour, with the audit entry, in one SaveChanges.</summary>
public sealed class UpdateBusinessSettings(SmartbisDb db, TenantContext tenant, TimeProvider clock)
{
    public sealed record Request(string Name, string CurrencyName, string Locale, string TimeZone, string PrimaryColor);

    /// <summary>Errors keyed by the request's property names (the form's annotations say the same, beside each field).</summary>
    public static Validation Validate(Request r) => new Validation()
        .Check(!string.IsNullOrWhiteSpace(r.Name) && r.Name.Trim().Length <= 120, nameof(r.Name), "business_name_required")
        .Check(!string.IsNullOrWhiteSpace(r.CurrencyName) && r.CurrencyName.Trim().Length <= 40, nameof(r.CurrencyName), "currency_name_required")
        .Check(r.Locale is "pt-BR" or "en", nameof(r.Locale), "locale_choice")
        .Check(TimeZoneInfo.TryFindSystemTimeZoneById(r.TimeZone ?? "", out _), nameof(r.TimeZone), "time_zone_unknown")
        .Check(Regex.IsMatch(r.PrimaryColor ?? "", "^#[0-9a-fA-F]{6}$"), nameof(r.PrimaryColor), "color_format");

    public async Task ExecuteAsync(Request r, AuditActor actor, CancellationToken ct = default)
    {
        Validate(r).ThrowIfInvalid();
        var t = await db.Tenants.SingleAsync(x => x.Id == tenant.Require(), ct);
        var before = new { t.Name, t.CurrencyName, t.Locale, t.TimeZone, t.PrimaryColor };
        t.Name = r.Name.Trim();
        t.CurrencyName = r.CurrencyName.Trim();
        t.Locale = r.Locale;
        t.TimeZone = r.TimeZone;
        t.PrimaryColor = r.PrimaryColor;
        RecordAudit.Add(db, actor, clock.GetUtcNow(), "settings.updated", "Business settings changed", "tenant", t.Id,
            before, new { t.Name, t.CurrencyName, t.Locale, t.TimeZone, t.PrimaryColor });
        await db.SaveChangesAsync(ct);
    }
}
