using System.Globalization;
using System.Resources;
using System.Text.Json;
using System.Text.RegularExpressions;
using Smartbis.Web.Features.Programs;

namespace Smartbis.Web.Infrastructure;

/// <summary>
/// Who reads a stored text and how they read figures: the reader's language, the program's unit and currency, the
/// tenant's time zone. Stored texts (ledger entries, audit entries) keep a kind and typed values; they are put into
/// words with this at display time, never at write time.
/// </summary>
public sealed record TextContext(CultureInfo Culture, RewardType RewardType, string CurrencyName, string CurrencyCode = "BRL", TimeZoneInfo? Zone = null)
{
    public static readonly CultureInfo En = CultureInfo.GetCultureInfo("en");
    public static readonly CultureInfo PtBr = CultureInfo.GetCultureInfo("pt-BR");

    /// <summary>The reader's culture from a locale code ("en", "en-US" → en; anything else → pt-BR, the default).</summary>
    public static CultureInfo CultureOf(string? locale) =>
        locale is not null && locale.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? En : PtBr;

    public static TimeZoneInfo? ZoneOf(string? id) => Locales.ZoneOrNull(id);

    /// <summary>For a tenant, read in <paramref name="culture"/> (the UI culture when null).</summary>
    public static TextContext For(Features.Tenancy.Tenant tenant, RewardType type, CultureInfo? culture = null) =>
        new(culture ?? CultureInfo.CurrentUICulture, type, tenant.CurrencyName, tenant.CurrencyCode, ZoneOf(tenant.TimeZone));
}

/// <summary>
/// The template engine of stored texts: English templates in code, pt-BR in a resx under the same key, named
/// placeholders with a format: <c>{amount:reward}</c> (the program's unit, <see cref="RewardUnits"/>), <c>{x:money}</c>
/// (cents as money), <c>{x:rate}</c> (basis points as a percentage), <c>{x:date}</c> (a day in the tenant's zone),
/// <c>{x:day}</c> (a calendar day), <c>{x:term}</c> (a code put into words by the catalogue: a role, a source),
/// <c>{x:number}</c>, <c>{currency}</c> (the program's branded currency name) and <c>{x}</c> (the value as stored).
/// </summary>
public static partial class StoredTexts
{
    [GeneratedRegex(@"\{(\w+)(?::(\w+))?\}")]
    public static partial Regex Placeholder();

    /// <summary>The template of a key: the culture's translation when not English (null when it has none), else English.</summary>
    public static string? Template(ResourceManager translations, IReadOnlyDictionary<string, string> english, string key, CultureInfo culture)
    {
        if (culture.TwoLetterISOLanguageName != "en")
        {
            try
            {
                if (translations.GetString(key, culture) is { } translated) return translated;
            }
            catch (MissingManifestResourceException) { /* no text in this culture: English */ }
        }
        return english.GetValueOrDefault(key);
    }

    /// <summary>The translation exactly as the resx has it (no fallback): for the catalogue tests.</summary>
    public static string? Translation(ResourceManager translations, string key, CultureInfo culture) =>
        translations.GetResourceSet(culture, createIfNotExists: true, tryParents: false)?.GetString(key);

    public static string Fill(string template, IReadOnlyDictionary<string, JsonElement> values, TextContext c, Func<string, string?>? terms = null) =>
        Placeholder().Replace(template, m =>
        {
            var name = m.Groups[1].Value;
            if (name == "currency" && !m.Groups[2].Success) return c.CurrencyName;
            if (!values.TryGetValue(name, out var v)) return "…";
            return m.Groups[2].Value switch
            {
                "reward" when v.ValueKind == JsonValueKind.Number => RewardUnits.Format(v.GetInt64(), c.RewardType, c.CurrencyName, c.CurrencyCode, c.Culture.Name),
                "money" when v.ValueKind == JsonValueKind.Number => Money.Format(v.GetInt64(), c.CurrencyCode, c.Culture.Name),
                "rate" when v.ValueKind == JsonValueKind.Number => (v.GetInt64() / 100m).ToString("0.##", c.Culture) + "%",
                "term" when v.ValueKind == JsonValueKind.String => terms?.Invoke(v.GetString() ?? "") ?? v.GetString() ?? "",
                "day" when v.ValueKind == JsonValueKind.String && DateOnly.TryParse(v.GetString(), CultureInfo.InvariantCulture, out var day) => day.ToString("d", c.Culture),
                "number" when v.ValueKind == JsonValueKind.Number => v.GetInt64().ToString("N0", c.Culture),
                "date" when v.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) =>
                    (c.Zone is null ? at : TimeZoneInfo.ConvertTime(at, c.Zone)).ToString("d", c.Culture),
                _ => v.ValueKind switch
                {
                    JsonValueKind.String => v.GetString() ?? "",
                    JsonValueKind.Number => v.GetRawText(),
                    JsonValueKind.True => "✓",
                    JsonValueKind.False => "✗",
                    JsonValueKind.Null or JsonValueKind.Undefined => "",
                    _ => v.GetRawText(),
                },
            };
        });

    /// <summary>Values as stored: an anonymous object or a dictionary, serialized with the web's camelCase names.</summary>
    public static JsonDocument? ToJson(object? values) =>
        values is null ? null : JsonSerializer.SerializeToDocument(values, JsonSerializerOptions.Web);

    public static Dictionary<string, JsonElement> Read(JsonDocument? doc)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (doc?.RootElement.ValueKind == JsonValueKind.Object)
            foreach (var p in doc.RootElement.EnumerateObject()) result[p.Name] = p.Value.Clone();
        return result;
    }

    /// <summary>Placeholder names of a template (for the catalogue tests).</summary>
    public static IEnumerable<string> Names(string template) => Placeholder().Matches(template).Select(m => m.Groups[1].Value);
}
