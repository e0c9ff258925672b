using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Onboarding;

/// <summary>
/// The steps of the onboarding checklist that leave no other trace in the data (the others tick themselves
/// from stores, staff and rules). One row per tenant, created at sign-up.
/// </summary>
public sealed class OnboardingProgress : ITenantOwned
{
    public Guid TenantId { get; set; }
    /// <summary>The owner copied or downloaded the join page link / QR code.</summary>
    public DateTimeOffset? JoinPageSharedAt { get; set; }
    /// <summary>The owner hid the checklist from the overview.</summary>
    public DateTimeOffset? DismissedAt { get; set; }

    /// <summary>The tenant's row, added to the context when missing: tenants made before the checklist existed (demo seed) get it on first use.</summary>
    public static async Task<OnboardingProgress> FindOrAddAsync(Data.SmartbisDb db, CancellationToken ct)
    {
        var progress = await db.OnboardingProgress.SingleOrDefaultAsync(ct);
        if (progress is null) db.OnboardingProgress.Add(progress = new OnboardingProgress());
        return progress;
    }
}

public sealed class OnboardingProgressConfiguration : IEntityTypeConfiguration<OnboardingProgress>
{
    public void Configure(EntityTypeBuilder<OnboardingProgress> b)
    {
        b.ToTable("onboarding_progress");
        b.HasKey(p => p.TenantId);
        b.HasOne<Tenant>().WithMany().HasForeignKey(p => p.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}
