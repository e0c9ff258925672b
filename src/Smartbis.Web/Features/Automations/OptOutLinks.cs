using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
using Smartbis.Web.Features.Customers;

namespace Smartbis.Web.Features.Automations;

/// <summary>
/// Opt-out links that work without signing in: tenant, customer and channel, signed with the tenant's link key
/// (HMAC-SHA256, truncated to 128 bits). Nothing to store, nothing that expires, nothing another customer can forge.
/// </summary>
public static class OptOutLinks
{
    private const int MacLength = 16;

    public static string Token(Guid tenantId, Guid customerId, Channel channel, byte[] key)
    {
        var payload = Payload(tenantId, customerId, channel);
        var mac = HMACSHA256.HashData(key, payload).AsSpan(0, MacLength);
        return WebEncoders.Base64UrlEncode([.. payload, .. mac]);
    }

    public static string Url(string baseUrl, Guid tenantId, Guid customerId, Channel channel, byte[] key) =>
        $"{baseUrl.TrimEnd('/')}/unsubscribe/{Token(tenantId, customerId, channel, key)}";

    /// <summary>Reads a token without checking it (the tenant's key is needed for that): null when malformed.</summary>
    public static (Guid TenantId, Guid CustomerId, Channel Channel)? Read(string? token)
    {
        byte[] bytes;
        try { bytes = WebEncoders.Base64UrlDecode(token ?? ""); }
        catch (FormatException) { return null; }
        if (bytes.Length != 33 + MacLength || bytes[32] > 1) return null;
        return (new Guid(bytes.AsSpan(0, 16)), new Guid(bytes.AsSpan(16, 16)), (Channel)bytes[32]);
    }

    public static bool Verify(string token, byte[] key)
    {
        if (Read(token) is not { } t) return false;
        var bytes = WebEncoders.Base64UrlDecode(token);
        var expected = HMACSHA256.HashData(key, Payload(t.TenantId, t.CustomerId, t.Channel)).AsSpan(0, MacLength);
        return CryptographicOperations.FixedTimeEquals(expected, bytes.AsSpan(33));
    }

    private static byte[] Payload(Guid tenantId, Guid customerId, Channel channel) =>
        [.. tenantId.ToByteArray(), .. customerId.ToByteArray(), (byte)channel];
}
