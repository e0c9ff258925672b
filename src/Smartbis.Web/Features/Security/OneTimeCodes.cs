using System.Security.Cryptography;
using System.Text;

namespace Smartbis.Web.Features.Security;

/// <summary>
/// The six-digit one-time codes sent to customers (the portal's sign-in and account deletion, the counter's large
/// redemptions): made and hashed here only. Only the hash is stored; it binds the code to its tenant, its customer and
/// the scope it was sent for, so a code of one scope never opens another.
/// </summary>
public static class OneTimeCodes
{
    /// <summary>The portal's codes (sign-in, account deletion).</summary>
    public const string Portal = "portal";
    /// <summary>The counter's redemption codes: hashed without a prefix since they were first stored, so codes in flight survive a deploy.</summary>
    public const string Counter = "";

    /// <summary>Six random digits from the cryptographic generator (one in a million to guess).</summary>
    public static string New() => RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6");

    /// <summary>SHA-256 (hex) of the scope, tenant, customer and the code as typed (surrounding spaces ignored).</summary>
    public static string Hash(string scope, Guid tenantId, Guid customerId, string code) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{(scope.Length == 0 ? "" : scope + ":")}{tenantId:N}:{customerId:N}:{code.Trim()}")));
}
