using System.Security.Cryptography;
using System.Text;

namespace Smartbis.Web.Features.Integrations;

/// <summary>
/// "Smartbis-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, t + "." + body)&gt;". Receivers recompute it
/// with their secret, compare in constant time and reject old timestamps (replays).
/// </summary>
public static class WebhookSignature
{
    public const string Header = "Smartbis-Signature";
    public const string EventIdHeader = "Smartbis-Event-Id";

    public static string Sign(string secret, long unixSeconds, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{unixSeconds}.{body}"));
        return $"t={unixSeconds},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>What a receiver does: parse the header, recompute, compare in constant time, check the age.</summary>
    public static bool Verify(string secret, string header, string body, DateTimeOffset now, TimeSpan tolerance)
    {
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0].Trim(), p => p[1].Trim());
        if (!parts.TryGetValue("t", out var t) || !long.TryParse(t, out var ts) || !parts.TryGetValue("v1", out var v1)) return false;
        if ((now - DateTimeOffset.FromUnixTimeSeconds(ts)).Duration() > tolerance) return false;
        var signed = Sign(secret, ts, body);
        var expected = signed[(signed.IndexOf("v1=", StringComparison.Ordinal) + 3)..];
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(v1));
    }
}
