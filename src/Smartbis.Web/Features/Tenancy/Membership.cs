using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Smartbis.Web.Features.Tenancy;

public enum StaffRole { Owner, Manager, Cashier }

/// <summary>A merchant user's role in one tenant, optionally bound to one store (cashiers).</summary>
public sealed class Membership : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string UserId { get; set; }
    public StaffRole Role { get; set; }
    public Guid? StoreId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class MembershipConfiguration : IEntityTypeConfiguration<Membership>
{
    public void Configure(EntityTypeBuilder<Membership> b)
    {
        b.HasKey(m => new { m.TenantId, m.Id });
        b.HasOne<Tenant>().WithMany().HasForeignKey(m => m.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<AppUser>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Store>().WithMany().HasForeignKey(m => new { m.TenantId, m.StoreId }).OnDelete(DeleteBehavior.Restrict);
        b.Property(m => m.Role).HasConversion<string>().HasMaxLength(20);
        b.HasIndex(m => new { m.TenantId, m.UserId }).IsUnique();
        b.HasIndex(m => m.UserId);
    }
}
