using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Data;

namespace Smartbis.Web.Features.Tenancy;

/// <summary>What a <see cref="TenantKey"/> identifies.</summary>
public static class TenantKeyKinds
{
    /// <summary>The SHA-256 (hex) of an API key: the API finds the caller's tenant by it.</summary>
    public const string ApiKey = "api_key";
    /// <summary>A WhatsApp Business phone number id (Meta's): one business sends from it.</summary>
    public const string WhatsAppPhoneNumberId = "whatsapp_phone_number_id";
}

/// <summary>
/// A value that must be unique across the whole platform and that names its tenant before the tenant is known
/// (an API key's hash, a WhatsApp phone number id). Tenant tables are sharded by tenant on a Citus cluster, and a
/// sharded table cannot be unique on a column without tenant_id; this small table is a reference table (a copy on
/// every node), so its platform-wide unique index holds everywhere, and a lookup by key is one local read.
/// Written in the same transaction as the row it indexes (CreateApiKey, the messaging settings page).
/// </summary>
public sealed class TenantKey : ITenantOwned
{
    public Guid TenantId { get; set; }
    public required string Kind { get; set; }
    public required string Key { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class TenantKeyConfiguration : IEntityTypeConfiguration<TenantKey>
{
    public void Configure(EntityTypeBuilder<TenantKey> b)
    {
        b.ToTable("tenant_keys");
        b.HasKey(k => new { k.TenantId, k.Kind, k.Key });
        b.HasOne<Tenant>().WithMany().HasForeignKey(k => k.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.Property(k => k.Kind).HasMaxLength(40);
        b.Property(k => k.Key).HasMaxLength(100);
        // Platform-wide on purpose: a reference table may carry it (see the class).
        b.HasIndex(k => new { k.Kind, k.Key }).IsUnique();
        b.IsCitusReferenceTable();
    }
}
