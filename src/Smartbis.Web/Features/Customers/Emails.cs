using System.Net.Mail;

namespace Smartbis.Web.Features.Customers;

public static class Emails
{
    /// <summary>Lower-cased address when it is a plausible single address; null otherwise.</summary>
    public static string? Normalize(string? typed)
    {
        if (string.IsNullOrWhiteSpace(typed)) return null;
        var trimmed = typed.Trim();
        if (trimmed.Length > 254 || !MailAddress.TryCreate(trimmed, out var address) || address.Address != trimmed || !address.Host.Contains('.'))
            return null;
        return trimmed.ToLowerInvariant();
    }

    /// <summary>"m*****@example.com": enough for the customer to recognise the address where a code went.</summary>
    public static string Mask(string email)
    {
        var at = email.IndexOf('@');
        return at <= 1 ? "***" + email[Math.Max(at, 0)..] : email[0] + new string('*', Math.Min(at - 1, 5)) + email[at..];
    }
}
