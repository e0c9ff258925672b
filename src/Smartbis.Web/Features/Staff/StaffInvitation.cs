using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Staff;

/// <summary>
/// An invitation to join a business as staff. Only a hash of the emailed token is kept; the link expires and
/// works once. Accepting creates the account (or links an existing one) and the membership.
/// </summary>
public sealed class StaffInvitation : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Email { get; set; }
    public StaffRole Role { get; set; }
    public Guid? StoreId { get; set; }
    /// <summary>SHA-256 (hex) of the token in the link.</summary>
    public required string TokenHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public string? InvitedByUserId { get; set; }
    public DateTimeOffset? AcceptedAt { get; set; }
    public string? AcceptedUserId { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

public sealed class StaffInvitationConfiguration : IEntityTypeConfiguration<StaffInvitation>
{
    public void Configure(EntityTypeBuilder<StaffInvitation> b)
    {
        b.ToTable("staff_invitations");
        b.HasKey(i => new { i.TenantId, i.Id });
        b.HasOne<Tenant>().WithMany().HasForeignKey(i => i.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Store>().WithMany().HasForeignKey(i => new { i.TenantId, i.StoreId }).OnDelete(DeleteBehavior.Restrict);
        b.Property(i => i.Email).HasMaxLength(254);
        b.Property(i => i.Role).HasConversion<string>().HasMaxLength(20);
        b.Property(i => i.TokenHash).HasMaxLength(64);
        b.Property(i => i.InvitedByUserId).HasMaxLength(450);
        b.Property(i => i.AcceptedUserId).HasMaxLength(450);
        // The accept page finds the invitation by its token before any tenant is known.
        b.HasIndex(i => i.TokenHash);
        b.HasIndex(i => new { i.TenantId, i.TokenHash }).IsUnique();
        b.HasIndex(i => new { i.TenantId, i.Email });
    }
}
