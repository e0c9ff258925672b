using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Integrations;

/// <summary>
/// A key a POS or e-commerce back end uses for /api/v1. Only its SHA-256 is stored: the key itself is shown once.
/// A key bound to a store may record purchases only in that store.
/// </summary>
public sealed class ApiKey : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    /// <summary>The first characters of the key ("sbk_AbC123"), so staff can tell keys apart.</summary>
    public required string Prefix { get; set; }
    /// <summary>Hex SHA-256 of the whole key.</summary>
    public required string KeyHash { get; set; }
    public Guid? StoreId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? CreatedByUserId { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    public const string KeyStart = "sbk_";

    /// <summary>A new random key: "sbk_" + 43 base64url characters (256 bits).</summary>
    public static string NewSecret() => KeyStart + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    internal static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

public sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.ToTable("api_keys");
        b.HasKey(k => new { k.TenantId, k.Id });
        b.HasOne<Tenant>().WithMany().HasForeignKey(k => k.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Store>().WithMany().HasForeignKey(k => new { k.TenantId, k.StoreId }).OnDelete(DeleteBehavior.Restrict);
        b.Property(k => k.Name).HasMaxLength(80);
        b.Property(k => k.Prefix).HasMaxLength(16);
        b.Property(k => k.KeyHash).HasMaxLength(64);
        // The lookup before the tenant is known goes through tenant_keys (a reference table, unique platform-wide);
        // here the hash is unique per tenant, so the table can be sharded by tenant (docs/scaling.md).
        b.HasIndex(k => new { k.TenantId, k.KeyHash }).IsUnique();
    }
}
