using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Referrals;

public enum ReferralOutcome { Rewarded, CapReached, NotQualified }

/// <summary>
/// The decision on one referee, taken once: the primary key (tenant, referee) is the guard that makes a referral
/// reward happen at most once per referee, even when two purchases race (the loser's unit retries and sees the row).
/// A referee without a row has joined through a referral but not qualified yet.
/// </summary>
public sealed class Referral : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid RefereeId { get; set; }
    public Guid ReferrerId { get; set; }
    public ReferralOutcome Outcome { get; set; }
    /// <summary>Why it earned nothing (self-referral, already a customer), in English for the merchant.</summary>
    public string? Note { get; set; }
    /// <summary>The purchase that decided it.</summary>
    public Guid PurchaseId { get; set; }
    public long ReferrerRewardCents { get; set; }
    public long RefereeRewardCents { get; set; }
    public DateTimeOffset DecidedAt { get; set; }
}

public sealed class ReferralConfiguration : IEntityTypeConfiguration<Referral>
{
    public void Configure(EntityTypeBuilder<Referral> b)
    {
        b.ToTable("referrals");
        b.HasKey(r => new { r.TenantId, r.RefereeId });
        b.HasOne<Customer>().WithMany().HasForeignKey(r => new { r.TenantId, r.RefereeId }).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Customer>().WithMany().HasForeignKey(r => new { r.TenantId, r.ReferrerId }).OnDelete(DeleteBehavior.Restrict);
        b.Property(r => r.Outcome).HasConversion<string>().HasMaxLength(20);
        b.Property(r => r.Note).HasMaxLength(200);
        // The monthly cap counts a referrer's rewarded referrals by date.
        b.HasIndex(r => new { r.TenantId, r.ReferrerId, r.DecidedAt });
    }
}
