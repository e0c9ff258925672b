using System.Globalization;

namespace Smartbis.Web.Api;

/// <summary>
/// Query-string values of the API, parsed strictly: digits only (no sign, exponent, decimals or spaces), within bounds.
/// Anything else is a 400 problem naming the parameter, never a binding exception.
/// </summary>
public static class ApiQuery
{
    public static int? Int(string? text, string name, int min, int max)
    {
        if (text is null) return null;
        if (text.Length is > 0 and <= 10 && text.All(char.IsAsciiDigit)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return value;
        var message = $"{name} must be a whole number from {min} to {max}.";
        throw new ApiProblem(400, "invalid_query", message, new Dictionary<string, string[]> { [name] = [message] });
    }
}
