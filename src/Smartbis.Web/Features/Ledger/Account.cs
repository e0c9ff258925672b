using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Ledger;

/// <summary>
/// A customer's balances, one row per customer, updated in the same transaction as the entries that move it
/// and always equal to their sums. Locked (FOR UPDATE) by every operation that changes it.
/// </summary>
public sealed class Account : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid CustomerId { get; set; }
    public long PendingCents { get; set; }
    public long AvailableCents { get; set; }
    /// <summary>Cashback already spent and later refunded: offset against future earnings, never a negative balance.</summary>
    public long ClawbackCents { get; set; }
    /// <summary>Value held in issued, unredeemed vouchers.</summary>
    public long VoucherCents { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> b)
    {
        b.HasKey(a => new { a.TenantId, a.CustomerId });
        b.HasOne<Customer>().WithOne().HasForeignKey<Account>(a => new { a.TenantId, a.CustomerId }).OnDelete(DeleteBehavior.Restrict);
        b.ToTable("accounts", t =>
        {
            // The last wall against a bug: no bucket can go negative, whatever the code does.
            t.HasCheckConstraint("ck_accounts_pending_non_negative", "pending_cents >= 0");
            t.HasCheckConstraint("ck_accounts_available_non_negative", "available_cents >= 0");
            t.HasCheckConstraint("ck_accounts_clawback_non_negative", "clawback_cents >= 0");
            t.HasCheckConstraint("ck_accounts_voucher_non_negative", "voucher_cents >= 0");
        });
    }
}
