using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Customers;

namespace Smartbis.Web.Features.Ledger;

public enum EntryKind
{
    Earn, Release, Redeem, Expire, Reverse, ClawbackOffset, RefundCredit,
    VoucherIssue, VoucherRedeem, VoucherExpire, VoucherCancel,
    ReferralBonus, WelcomeBonus, BirthdayBonus, Adjustment,
    ChallengeBonus,
    RewardRedeem, RewardReturn,
    CampaignBonus,
}

/// <summary>
/// One movement of a customer's money between buckets. Append-only: the database refuses UPDATE and DELETE;
/// a correction is a new entry. The deltas of all of a customer's entries sum to the account's balances.
/// </summary>
public sealed class LedgerEntry : Tenancy.ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid CustomerId { get; set; }
    public EntryKind Kind { get; set; }
    public long PendingDeltaCents { get; set; }
    public long AvailableDeltaCents { get; set; }
    public long ClawbackDeltaCents { get; set; }
    public long VoucherDeltaCents { get; set; }
    /// <summary>
    /// The English sentence written at the time ("5% cashback on your purchase at Velluto Centro"): the API's <c>reason</c>
    /// and the logs'. Pages, emails and exports never show it: they render <see cref="Text"/> in the reader's language.
    /// </summary>
    public required string Reason { get; set; }
    /// <summary>What the entry says, as a kind of <see cref="EntryText"/> ("earn", "voucher_issue"...); null on entries written before kinds.</summary>
    public string? Text { get; set; }
    /// <summary>The values of <see cref="Text"/> (rate, store, voucher code, note...), as JSON.</summary>
    public System.Text.Json.JsonDocument? TextValues { get; set; }
    public int? RuleVersion { get; set; }
    public int? RateBps { get; set; }
    public Guid? PurchaseId { get; set; }
    public Guid? VoucherId { get; set; }
    public Guid? LotId { get; set; }
    /// <summary>Expiry of the lot this entry created, when it created one.</summary>
    public DateTimeOffset? LotExpiresAt { get; set; }
    public string? AuthorUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class LedgerEntryConfiguration : IEntityTypeConfiguration<LedgerEntry>
{
    public void Configure(EntityTypeBuilder<LedgerEntry> b)
    {
        b.ToTable("ledger_entries");
        b.HasKey(e => new { e.TenantId, e.Id });
        b.HasOne<Customer>().WithMany().HasForeignKey(e => new { e.TenantId, e.CustomerId }).OnDelete(DeleteBehavior.Restrict);
        b.Property(e => e.Kind).HasConversion<string>().HasMaxLength(30);
        b.Property(e => e.Reason).HasMaxLength(300);
        b.Property(e => e.Text).HasMaxLength(40);
        b.Property(e => e.TextValues).HasColumnType("jsonb");
        b.Property(e => e.AuthorUserId).HasMaxLength(450);
        b.HasIndex(e => new { e.TenantId, e.CustomerId, e.CreatedAt });
        b.HasIndex(e => new { e.TenantId, e.PurchaseId }).HasFilter("purchase_id IS NOT NULL");
        b.HasIndex(e => new { e.TenantId, e.VoucherId }).HasFilter("voucher_id IS NOT NULL");
    }
}
