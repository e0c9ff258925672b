using System.Globalization;

namespace Smartbis.Web.Infrastructure;

/// <summary>Money is long minor units (centavos) end to end. These are the only roundings and formats.</summary>
public static class Money
{
    /// <summary>
    /// numerator / denominator rounded half-up to the unit (both non-negative), computed in 128 bits so that
    /// amount × amount × rate never overflows. The one rounding rule of the ledger (docs/ledger.md).
    /// </summary>
    public static long DivideHalfUp(Int128 numerator, Int128 denominator)
    {
        if (numerator < 0 || denominator <= 0) throw new ArgumentOutOfRangeException(nameof(numerator), "Expect numerator ≥ 0 and denominator > 0.");
        return (long)((2 * numerator + denominator) / (2 * denominator));
    }

    /// <summary>amount × basisPoints / 10 000, half-up: 500 bps of 1 999 is 99.95 → 100.</summary>
    public static long PercentHalfUp(long amountCents, int basisPoints) => DivideHalfUp((Int128)amountCents * basisPoints, 10_000);

    public static string Format(long cents, string currencyCode = "BRL", string locale = "pt-BR")
    {
        return (cents / 100m).ToString("C2", Locales.MoneyFormat(currencyCode, locale));
    }

    /// <summary>Parses what a person types ("123,45" in pt-BR, "123.45" in en, "R$ 1.234,56") into cents; null if it is not money.</summary>
    public static long? Parse(string? text, string locale = "pt-BR")
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var culture = Locales.Culture(locale);
        var cleaned = text.Replace("R$", "").Replace("US$", "").Replace("€", "").Trim();
        // Group separators only between groups of three digits: "12.50" typed at a pt-BR counter means 12,50,
        // not 1.250,00, so it is refused rather than read as a hundred times the amount.
        var integerPart = cleaned.Split(culture.NumberFormat.NumberDecimalSeparator)[0];
        var groups = integerPart.Split(culture.NumberFormat.NumberGroupSeparator);
        if (groups.Length > 1 && (groups[0].Trim().TrimStart('-', '+').Length is < 1 or > 3 || groups.Skip(1).Any(g => g.Length != 3))) return null;
        if (!decimal.TryParse(cleaned, NumberStyles.Number, culture, out var value)) return null;
        if (value < 0 || decimal.Round(value, 2) != value || value > 100_000_000m) return null;
        return (long)(value * 100);
    }
}
