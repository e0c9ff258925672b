using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Purchases;

/// <summary>A purchase as recorded, with how it was paid and what it earned (and the rule that decided it).</summary>
public sealed class Purchase : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid StoreId { get; set; }
    public Guid CustomerId { get; set; }
    public string? ReceiptNumber { get; set; }
    public long AmountCents { get; set; }
    public long PaidWithCashbackCents { get; set; }
    public long PaidWithVoucherCents { get; set; }
    public Guid? VoucherId { get; set; }
    /// <summary>The money part of the purchase that earns: paid with money, less excluded categories.</summary>
    public long EligibleCents { get; set; }
    public long EarnedCents { get; set; }
    public int RuleVersion { get; set; }
    public int RateBps { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? CashierUserId { get; set; }
    public string Source { get; set; } = "counter";
    public long RefundedCents { get; set; }
    public long ReversedEarnCents { get; set; }
    public long ReturnedCreditCents { get; set; }
    public List<PurchaseLine> Lines { get; set; } = [];
}

/// <summary>A line item, kept when the program excludes categories, so the earn can be explained.</summary>
public sealed class PurchaseLine : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid PurchaseId { get; set; }
    public int LineNo { get; set; }
    public string Category { get; set; } = "";
    public long AmountCents { get; set; }
    public bool Excluded { get; set; }
}

/// <summary>One refund of a purchase (there may be several partial ones).</summary>
public sealed class PurchaseRefund : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid PurchaseId { get; set; }
    public long AmountCents { get; set; }
    public long ReversedEarnCents { get; set; }
    public long ReturnedCreditCents { get; set; }
    public long ClawbackCents { get; set; }
    public string Reason { get; set; } = "";
    public string? UserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class PurchaseConfiguration : IEntityTypeConfiguration<Purchase>
{
    public void Configure(EntityTypeBuilder<Purchase> b)
    {
        b.ToTable("purchases", t =>
        {
            t.HasCheckConstraint("ck_purchases_amount", "amount_cents > 0");
            t.HasCheckConstraint("ck_purchases_refunded", "refunded_cents >= 0 AND refunded_cents <= amount_cents");
        });
        b.HasKey(p => new { p.TenantId, p.Id });
        b.HasOne<Store>().WithMany().HasForeignKey(p => new { p.TenantId, p.StoreId }).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Customer>().WithMany().HasForeignKey(p => new { p.TenantId, p.CustomerId }).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Vouchers.Voucher>().WithMany().HasForeignKey(p => new { p.TenantId, p.VoucherId }).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(p => p.Lines).WithOne().HasForeignKey(l => new { l.TenantId, l.PurchaseId }).OnDelete(DeleteBehavior.Cascade);
        b.Property(p => p.ReceiptNumber).HasMaxLength(60);
        b.Property(p => p.Source).HasMaxLength(20);
        b.Property(p => p.CashierUserId).HasMaxLength(450);
        // The same receipt in the same store is the same purchase.
        b.HasIndex(p => new { p.TenantId, p.StoreId, p.ReceiptNumber }).IsUnique().HasFilter("receipt_number IS NOT NULL");
        b.HasIndex(p => new { p.TenantId, p.CustomerId, p.OccurredAt });
        // Covering: one store's distinct buyers on the overview are an index-only scan (no heap page per purchase).
        b.HasIndex(p => new { p.TenantId, p.StoreId, p.OccurredAt }).IncludeProperties(p => p.CustomerId);
        // The counter's "recorded today at this store", newest first: one store's range. Without it the tenant's whole day
        // was read backwards through (tenant_id, created_at), 212 ms per counter page at 1M members (docs/performance.md).
        b.HasIndex(p => new { p.TenantId, p.StoreId, p.CreatedAt });
        // The voucher's purchase (and the foreign key's check): most purchases have no voucher, and an index entry for each
        // of them was one write more per purchase for nothing. "voucher_id = x" implies NOT NULL, so lookups still use it.
        b.HasIndex(p => new { p.TenantId, p.VoucherId }).HasFilter("voucher_id IS NOT NULL");
    }
}

public sealed class PurchaseLineConfiguration : IEntityTypeConfiguration<PurchaseLine>
{
    public void Configure(EntityTypeBuilder<PurchaseLine> b)
    {
        b.ToTable("purchase_lines");
        b.HasKey(l => new { l.TenantId, l.PurchaseId, l.LineNo });
        b.Property(l => l.Category).HasMaxLength(60);
    }
}

public sealed class PurchaseRefundConfiguration : IEntityTypeConfiguration<PurchaseRefund>
{
    public void Configure(EntityTypeBuilder<PurchaseRefund> b)
    {
        b.ToTable("purchase_refunds");
        b.HasKey(r => new { r.TenantId, r.Id });
        b.HasOne<Purchase>().WithMany().HasForeignKey(r => new { r.TenantId, r.PurchaseId }).OnDelete(DeleteBehavior.Restrict);
        b.Property(r => r.Reason).HasMaxLength(300);
        b.Property(r => r.UserId).HasMaxLength(450);
    }
}
