using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption.ConfigurationModel;
using Smartbis.Web.Data;

namespace Smartbis.Web.Infrastructure;

/// <summary>
/// One key ring for every web node, kept in PostgreSQL (<c>data_protection_keys</c>): cookies, antiforgery tokens
/// and the secrets encrypted at rest (WhatsApp tokens, webhook signing secrets) written by one node are read by the
/// others, and survive a node being replaced. The default — keys in the node's own home directory — would sign
/// members out on every other node and lose the encrypted secrets with the container.
/// </summary>
public static class DataProtectionSetup
{
    /// <summary>Every node must use the same name: it isolates this app's payloads from other apps' on the same keys.</summary>
    public const string ApplicationName = "Smartbis";

    public static IHostApplicationBuilder AddSmartbisDataProtection(this IHostApplicationBuilder builder)
    {
        var dp = builder.Services.AddDataProtection()
            .SetApplicationName(ApplicationName)
            .PersistKeysToDbContext<SmartbisDb>()
            // AES-256-GCM (one pass, through OpenSSL) instead of the default AES-CBC then HMAC, which on Linux runs the
            // managed encrypt-then-MAC path: every cookie, antiforgery token and secret at rest is opened with it. Applies
            // to keys created from now on; payloads under older keys still open with their own algorithm.
            .UseCryptographicAlgorithms(new AuthenticatedEncryptorConfiguration
            {
                EncryptionAlgorithm = EncryptionAlgorithm.AES_256_GCM,
                ValidationAlgorithm = ValidationAlgorithm.HMACSHA256,
            });
        // Optionally, the keys are themselves encrypted with a certificate the database never sees
        // (Smartbis__DataProtection__CertificatePath, __CertificatePassword): a copy of the database alone then
        // cannot decrypt the secrets in it.
        if (builder.Configuration["Smartbis:DataProtection:CertificatePath"] is { Length: > 0 } path)
            dp.ProtectKeysWithCertificate(X509CertificateLoader.LoadPkcs12FromFile(path, builder.Configuration["Smartbis:DataProtection:CertificatePassword"]));
        return builder;
    }
}
