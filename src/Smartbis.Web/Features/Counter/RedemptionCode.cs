using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Counter;

/// <summary>
/// A one-time code sent to the customer so a large redemption at the counter proves the customer is there.
/// Only a hash is stored; the code authorizes up to <see cref="MaxAmountCents"/> once.
/// </summary>
public sealed class RedemptionCode : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid CustomerId { get; set; }
    public required string CodeHash { get; set; }
    public long MaxAmountCents { get; set; }
    /// <summary>Masked address it was sent to, for the cashier and the audit ("m***@example.com").</summary>
    public string SentTo { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public int FailedAttempts { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
    /// <summary>The purchase form's idempotency key that used it: a resubmission of that same form passes again.</summary>
    public string? UsedForKey { get; set; }
    public string? CreatedByUserId { get; set; }
}

public sealed class RedemptionCodeConfiguration : IEntityTypeConfiguration<RedemptionCode>
{
    public void Configure(EntityTypeBuilder<RedemptionCode> b)
    {
        b.ToTable("redemption_codes");
        b.HasKey(c => new { c.TenantId, c.Id });
        b.HasOne<Customer>().WithMany().HasForeignKey(c => new { c.TenantId, c.CustomerId }).OnDelete(DeleteBehavior.Cascade);
        b.Property(c => c.CodeHash).HasMaxLength(64);
        b.Property(c => c.SentTo).HasMaxLength(254);
        b.Property(c => c.UsedForKey).HasMaxLength(255);
        b.Property(c => c.CreatedByUserId).HasMaxLength(450);
        b.HasIndex(c => new { c.TenantId, c.CustomerId, c.CreatedAt });
    }
}
