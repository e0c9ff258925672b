using System.Globalization;
using System.Text;

namespace Smartbis.Web.Infrastructure;

/// <summary>
/// A CSV file the way the reader's spreadsheet opens it by double-click: in pt-BR Excel expects a semicolon between
/// fields and a decimal comma ("9,46"); in English a comma and a decimal point. Dates and times are local to the given
/// time zone, without an offset ("05/12/2026 14:30" in pt-BR). UTF-8 with a BOM so accents survive. Every export
/// (customers, liability report, usage) writes through this, so they all read the same.
/// </summary>
public sealed class SpreadsheetCsv
{
    private readonly StringBuilder text = new();
    private readonly CultureInfo culture;
    private readonly TimeZoneInfo zone;

    public SpreadsheetCsv(string locale, string timeZone)
    {
        culture = CultureInfo.GetCultureInfo(locale.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? "en-US" : "pt-BR");
        zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        Separator = culture.NumberFormat.NumberDecimalSeparator == "," ? ';' : ',';
    }

    /// <summary>';' where the decimal separator is a comma (pt-BR), ',' otherwise.</summary>
    public char Separator { get; }

    /// <summary>Money from cents with two decimals in the reader's format, no currency sign and no thousands separator ("1234,56").</summary>
    public string Money(long cents) => (cents / 100m).ToString("0.00", culture);

    /// <summary>A whole number (points, counts).</summary>
    public string Number(long n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>A decimal with the given number of places in the reader's format.</summary>
    public string Decimal(decimal d, int places) => d.ToString("0." + new string('0', places), culture);

    /// <summary>A moment in the tenant's time zone: "05/12/2026 14:30" (pt-BR), "12/05/2026 14:30" (en).</summary>
    public string DateTime(DateTimeOffset? at) => at is { } a
        ? TimeZoneInfo.ConvertTime(a, zone).ToString(culture.DateTimeFormat.ShortDatePattern + " HH:mm", culture) : "";

    /// <summary>A calendar day: "05/12/2026" (pt-BR).</summary>
    public string Date(DateOnly? day) => day is { } d ? d.ToString(culture.DateTimeFormat.ShortDatePattern, culture) : "";

    /// <summary>
    /// Free text, quoted when it holds the separator, a quote or a line break. Text that starts like a formula
    /// (=, +, -, @, tab, CR) opens as text, not as a formula (CSV injection); <paramref name="phone"/> keeps a leading +.
    /// </summary>
    public string Text(string? s, bool phone = false)
    {
        if (string.IsNullOrEmpty(s)) return "";
        var formula = !phone && "=+-@\t\r".Contains(s[0]);
        var quote = formula || phone && s.StartsWith('+') || s.IndexOfAny([Separator, '"', '\n', '\r', ',', ';']) >= 0;
        return quote ? "\"" + (formula ? "'" : "") + s.Replace("\"", "\"\"") + "\"" : s;
    }

    /// <summary>Adds a line of already formatted fields.</summary>
    public SpreadsheetCsv Line(params string?[] fields)
    {
        text.Append(string.Join(Separator, fields.Select(f => f ?? ""))).Append('\n');
        return this;
    }

    /// <summary>Adds a free-text line as it is (a comment or a blank line).</summary>
    public SpreadsheetCsv Raw(string line)
    {
        text.Append(line).Append('\n');
        return this;
    }

    public byte[] ToBytes() => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];

    public override string ToString() => text.ToString();
}
