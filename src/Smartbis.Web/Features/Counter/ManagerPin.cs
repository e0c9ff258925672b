using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Counter;

/// <summary>A manager's (or owner's) counter PIN, typed at the till to authorize a large redemption. Stored hashed.</summary>
public sealed class ManagerPin : ITenantOwned
{
    public Guid TenantId { get; set; }
    public required string UserId { get; set; }
    public required string PinHash { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class ManagerPinConfiguration : IEntityTypeConfiguration<ManagerPin>
{
    public void Configure(EntityTypeBuilder<ManagerPin> b)
    {
        b.ToTable("manager_pins");
        b.HasKey(p => new { p.TenantId, p.UserId });
        b.HasOne<Tenant>().WithMany().HasForeignKey(p => p.TenantId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<AppUser>().WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Property(p => p.UserId).HasMaxLength(450);
        b.Property(p => p.PinHash).HasMaxLength(200);
    }
}
