using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Results;

/// <summary>
/// One version of a tenant's results settings: the control group (on/off, share, "no boosts either", start date) and the
/// unit cost of a message per channel the results page counts as program cost. Versions are never changed: saving writes the
/// next one, so the merchant sees when the holdout started, changed and ended. The latest version is in force.
/// </summary>
public sealed class ResultsSettings : ITenantOwned
{
    public Guid TenantId { get; set; }
    public int Version { get; set; }
    public DateTimeOffset EffectiveFrom { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? CreatedByUserId { get; set; }
    /// <summary>New members are drawn into the control group while this is on (from <see cref="StartsOn"/>).</summary>
    public bool ControlGroupEnabled { get; set; }
    /// <summary>The share of new members held out, in basis points (500 = 5 %).</summary>
    public int ShareBps { get; set; } = 1000;
    /// <summary>Control-group members also earn at the base rate only: no boosts.</summary>
    public bool NoBoosts { get; set; }
    /// <summary>Local day (tenant's time zone) from which joins are drawn.</summary>
    public DateOnly StartsOn { get; set; }
    /// <summary>What one email sent costs the merchant, in cents (for the program's cost).</summary>
    public long EmailCostCents { get; set; }
    /// <summary>What one WhatsApp message sent costs the merchant, in cents.</summary>
    public long WhatsAppCostCents { get; set; }
}

public sealed class ResultsSettingsConfiguration : IEntityTypeConfiguration<ResultsSettings>
{
    public void Configure(EntityTypeBuilder<ResultsSettings> b)
    {
        b.ToTable("results_settings");
        b.HasKey(s => new { s.TenantId, s.Version });
        b.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.Property(s => s.CreatedByUserId).HasMaxLength(450);
    }
}
