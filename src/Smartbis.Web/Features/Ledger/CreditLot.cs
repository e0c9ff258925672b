using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Customers;

namespace Smartbis.Web.Features.Ledger;

public enum LotStatus { Pending, Available, Spent, Expired, Reversed }

/// <summary>
/// One credit with its own release and expiry time. Spending takes from the lot that expires first;
/// Remaining is what is left of it in its bucket (pending or available).
/// </summary>
public sealed class CreditLot : Tenancy.ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid CustomerId { get; set; }
    public EntryKind Kind { get; set; }
    public long AmountCents { get; set; }
    public long RemainingCents { get; set; }
    public LotStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset AvailableAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public Guid? PurchaseId { get; set; }
    /// <summary>Set once the lot has been turned into a voucher (per-credit voucher mode).</summary>
    public Guid? VoucherId { get; set; }
}

public sealed class CreditLotConfiguration : IEntityTypeConfiguration<CreditLot>
{
    public void Configure(EntityTypeBuilder<CreditLot> b)
    {
        b.ToTable("credit_lots", t => t.HasCheckConstraint("ck_credit_lots_remaining", "remaining_cents >= 0 AND remaining_cents <= amount_cents"));
        b.HasKey(l => new { l.TenantId, l.Id });
        b.HasOne<Customer>().WithMany().HasForeignKey(l => new { l.TenantId, l.CustomerId }).OnDelete(DeleteBehavior.Restrict);
        b.Property(l => l.Kind).HasConversion<string>().HasMaxLength(30);
        b.Property(l => l.Status).HasConversion<string>().HasMaxLength(20);
        // The jobs look for lots due to release or expire; spending looks for a customer's open lots.
        b.HasIndex(l => new { l.TenantId, l.Status, l.AvailableAt }).HasFilter("status = 'Pending'").HasDatabaseName("ix_credit_lots_due_release");
        b.HasIndex(l => new { l.TenantId, l.Status, l.ExpiresAt }).HasFilter("status = 'Available'").HasDatabaseName("ix_credit_lots_due_expiry");
        b.HasIndex(l => new { l.TenantId, l.CustomerId, l.Status });
        b.HasIndex(l => new { l.TenantId, l.PurchaseId });
    }
}
