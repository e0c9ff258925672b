using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Portal;

public enum CodePurpose { SignIn, DeleteAccount }

/// <summary>
/// A six-digit one-time code sent to a member (sign-in, or confirming the deletion of their account). Only a hash is
/// stored. The attempt counter lives here, in the database, so every web node enforces the same limit: it is
/// incremented atomically before a typed code is compared, and a code is used once.
/// </summary>
public sealed class SignInCode : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    /// <summary>The member; null for a decoy (an identifier that is no member's, see <see cref="IdentifierHash"/>).</summary>
    public Guid? CustomerId { get; set; }
    /// <summary>
    /// For a decoy only: a hash of the typed identifier that belongs to no member. The sign-in page answers an unknown
    /// email or phone exactly as a member's (a code row, the same limits, the same refusals) and sends nothing, so the
    /// page never tells who is a member.
    /// </summary>
    public string? IdentifierHash { get; set; }
    public CodePurpose Purpose { get; set; }
    public required string CodeHash { get; set; }
    /// <summary>Masked address it was sent to ("m***@example.com").</summary>
    public string SentTo { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
    /// <summary>Set when a newer code replaced this one: only the latest code of a purpose works.</summary>
    public DateTimeOffset? SupersededAt { get; set; }
}

public sealed class SignInCodeConfiguration : IEntityTypeConfiguration<SignInCode>
{
    public void Configure(EntityTypeBuilder<SignInCode> b)
    {
        b.ToTable("portal_sign_in_codes");
        b.HasKey(c => new { c.TenantId, c.Id });
        b.HasOne<Customer>().WithMany().HasForeignKey(c => new { c.TenantId, c.CustomerId }).OnDelete(DeleteBehavior.Cascade);
        b.Property(c => c.Purpose).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.CodeHash).HasMaxLength(64);
        b.Property(c => c.SentTo).HasMaxLength(254);
        b.HasIndex(c => new { c.TenantId, c.CustomerId, c.CreatedAt });
        b.Property(c => c.IdentifierHash).HasMaxLength(64);
        b.HasIndex(c => new { c.TenantId, c.IdentifierHash, c.CreatedAt }).HasFilter("identifier_hash IS NOT NULL");
    }
}
