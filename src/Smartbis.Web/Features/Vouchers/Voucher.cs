using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Vouchers;

public enum VoucherStatus { Issued, Redeemed, Expired, Cancelled }

/// <summary>A voucher holds value of its own: issued from the customer's available cashback, redeemed once.</summary>
public sealed class Voucher : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid CustomerId { get; set; }
    /// <summary>Normalized (no hyphens); shown in groups of four.</summary>
    public required string Code { get; set; }
    public long ValueCents { get; set; }
    public VoucherStatus Status { get; set; } = VoucherStatus.Issued;
    public DateTimeOffset IssuedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RedeemedAt { get; set; }
    public Guid? RedeemedPurchaseId { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    public string? CancelReason { get; set; }
    /// <summary>The credit lot it was made from (per-credit mode).</summary>
    public Guid? SourceLotId { get; set; }
}

public sealed class VoucherConfiguration : IEntityTypeConfiguration<Voucher>
{
    public void Configure(EntityTypeBuilder<Voucher> b)
    {
        b.ToTable("vouchers", t => t.HasCheckConstraint("ck_vouchers_value", "value_cents > 0"));
        b.HasKey(v => new { v.TenantId, v.Id });
        b.HasOne<Customer>().WithMany().HasForeignKey(v => new { v.TenantId, v.CustomerId }).OnDelete(DeleteBehavior.Restrict);
        b.Property(v => v.Code).HasMaxLength(16);
        b.Property(v => v.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(v => v.CancelReason).HasMaxLength(300);
        b.HasIndex(v => new { v.TenantId, v.Code }).IsUnique();
        b.HasIndex(v => new { v.TenantId, v.CustomerId, v.Status });
        b.HasIndex(v => new { v.TenantId, v.Status, v.ExpiresAt }).HasFilter("status = 'Issued'").HasDatabaseName("ix_vouchers_due_expiry");
        // A lot becomes at most one voucher, even if two IssueVouchers runs race.
        b.HasIndex(v => new { v.TenantId, v.SourceLotId }).IsUnique().HasFilter("source_lot_id IS NOT NULL");
    }
}
