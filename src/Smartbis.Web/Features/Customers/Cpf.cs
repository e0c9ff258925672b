namespace Smartbis.Web.Features.Customers;

/// <summary>Brazil's individual taxpayer number: 11 digits, the last two check digits (mod 11).</summary>
public static class Cpf
{
    /// <summary>The 11 digits when valid (punctuation ignored); null otherwise.</summary>
    public static string? Normalize(string? typed)
    {
        if (string.IsNullOrWhiteSpace(typed)) return null;
        var digits = new string(typed.Where(char.IsDigit).ToArray());
        if (digits.Length != 11 || digits.Distinct().Count() == 1) return null;
        return CheckDigit(digits, 9) == digits[9] - '0' && CheckDigit(digits, 10) == digits[10] - '0' ? digits : null;
    }

    private static int CheckDigit(string digits, int count)
    {
        var sum = 0;
        for (var i = 0; i < count; i++) sum += (digits[i] - '0') * (count + 1 - i);
        var rest = sum * 10 % 11;
        return rest == 10 ? 0 : rest;
    }

    /// <summary>Shown masked in the UI: ***.456.789-**.</summary>
    public static string Mask(string digits) => digits.Length == 11 ? $"***.{digits[3..6]}.{digits[6..9]}-**" : "***";
}
