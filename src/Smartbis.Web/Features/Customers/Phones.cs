using PhoneNumbers;

namespace Smartbis.Web.Features.Customers;

public static class Phones
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>E.164 ("+5511987654321") for a valid number typed in any common way; null otherwise. Brazil is the default region.</summary>
    public static string? ToE164(string? typed, string defaultRegion = "BR")
    {
        if (string.IsNullOrWhiteSpace(typed)) return null;
        try
        {
            var number = Util.Parse(typed, defaultRegion);
            return Util.IsValidNumber(number) ? Util.Format(number, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    public static string Display(string e164)
    {
        try { return Util.Format(Util.Parse(e164, "BR"), PhoneNumberFormat.INTERNATIONAL); }
        catch (NumberParseException) { return e164; }
    }

    /// <summary>"+55*******0002": enough for the customer to recognise their number.</summary>
    public static string Mask(string e164) =>
        e164.Length <= 6 ? "***" : e164[..3] + new string('*', e164.Length - 7) + e164[^4..];
}
