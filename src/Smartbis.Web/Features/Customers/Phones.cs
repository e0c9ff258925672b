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

    /// <summary>For people: a Brazilian number as Brazilians write it, "(11) 93810-5090"; a foreign one with its country code.</summary>
    public static string Display(string e164)
    {
        try
        {
            var n = Util.Parse(e164, "BR");
            return Util.Format(n, n.CountryCode == 55 ? PhoneNumberFormat.NATIONAL : PhoneNumberFormat.INTERNATIONAL);
        }
        catch (NumberParseException) { return e164; }
    }

    /// <summary><see cref="Display"/> of a value that may not be a phone at all (a message's recipient: phone or email).</summary>
    public static string DisplayIfPhone(string? value) => value is not null && value.StartsWith('+') ? Display(value) : value ?? "";

    /// <summary>"+55*******0002": enough for the customer to recognise their number.</summary>
    public static string Mask(string e164) =>
        e164.Length <= 6 ? "***" : e164[..3] + new string('*', e164.Length - 7) + e164[^4..];
}
