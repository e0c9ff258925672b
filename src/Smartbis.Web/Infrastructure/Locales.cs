using System.Collections.Concurrent;
using System.Globalization;

namespace Smartbis.Web.Infrastructure;

/// <summary>
/// Cultures, time zones and money formats by name, found once per process. <c>CultureInfo.GetCultureInfo</c> and
/// <c>TimeZoneInfo.FindSystemTimeZoneById</c> take a lock shared by every request, and a page formats an amount or a
/// date per line: at 32 concurrent requests these locks were 1–2% of the app's CPU (docs/performance.md).
/// Only names already stored (a tenant's settings) are looked up here; what a user types is validated with the
/// framework's own lookups, so nothing unbounded is kept.
/// </summary>
public static class Locales
{
    private static readonly ConcurrentDictionary<string, CultureInfo> CulturesByName = new(StringComparer.OrdinalIgnoreCase);
    private static readonly ConcurrentDictionary<string, TimeZoneInfo?> ZonesById = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<(string Currency, string Locale), NumberFormatInfo> MoneyFormats = new();

    /// <summary>The read-only culture of <paramref name="name"/> (as <see cref="CultureInfo.GetCultureInfo(string)"/>).</summary>
    public static CultureInfo Culture(string name) =>
        CulturesByName.TryGetValue(name, out var c) ? c : CulturesByName.GetOrAdd(name, CultureInfo.GetCultureInfo);

    /// <summary>The time zone of <paramref name="id"/>; UTC for an id this machine does not know.</summary>
    public static TimeZoneInfo Zone(string id) => ZoneOrNull(id) ?? TimeZoneInfo.Utc;

    /// <summary>The time zone of <paramref name="id"/>, or null when this machine does not know it.</summary>
    public static TimeZoneInfo? ZoneOrNull(string? id) =>
        id is null ? null
            : ZonesById.TryGetValue(id, out var z) ? z
            : ZonesById.GetOrAdd(id, k => TimeZoneInfo.TryFindSystemTimeZoneById(k, out var found) ? found : null);

    /// <summary>The locale's number format with the currency's symbol (R$, US$, €), read-only and shared.</summary>
    public static NumberFormatInfo MoneyFormat(string currencyCode, string locale) =>
        MoneyFormats.TryGetValue((currencyCode, locale), out var nf) ? nf : MoneyFormats.GetOrAdd((currencyCode, locale), k =>
        {
            var f = (NumberFormatInfo)Culture(k.Locale).NumberFormat.Clone();
            f.CurrencySymbol = k.Currency switch { "BRL" => "R$", "USD" => "US$", "EUR" => "€", _ => k.Currency };
            return NumberFormatInfo.ReadOnly(f);
        });
}
