using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Smartbis.Web.Features.Tenancy;

public enum TenantStatus { Active, Suspended }

/// <summary>A merchant. Not tenant-owned itself: it is the root every tenant-owned row points to.</summary>
public sealed class Tenant
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Slug { get; set; }
    public required string Name { get; set; }
    public TenantStatus Status { get; set; } = TenantStatus.Active;
    /// <summary>
    /// The plan in force (<c>plans.code</c>, Features/Plans); set only by sign-up and <c>ChangePlan</c>, which check the
    /// code. No foreign key: tenants is declared to Citus before plans, and a reference table may only point to tables
    /// declared before it (docs/scaling.md); plans are never deleted.
    /// </summary>
    public string PlanCode { get; set; } = Features.Plans.PlanDefinition.Free;
    /// <summary>When a trial of <see cref="PlanCode"/> ends (the business goes back to Free); null when not on trial.</summary>
    public DateTimeOffset? TrialEndsAt { get; set; }
    /// <summary>ISO 4217 code of the money the merchant sells in.</summary>
    public string CurrencyCode { get; set; } = "BRL";
    /// <summary>What customers call the reward ("Cashback", "LitoralCash").</summary>
    public string CurrencyName { get; set; } = "Cashback";
    public string Locale { get; set; } = "pt-BR";
    public string TimeZone { get; set; } = "America/Sao_Paulo";
    public string? LogoUrl { get; set; }
    public string PrimaryColor { get; set; } = "#0d6efd";
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>While suspended: since when (an operator's decision, <c>Features/Operations/SuspendTenant</c>).</summary>
    public DateTimeOffset? SuspendedAt { get; set; }
    /// <summary>While suspended: the operator's reason, shown to the merchant's staff and in the API's 403.</summary>
    public string? SuspensionReason { get; set; }
}

public sealed class TenantConfiguration : IEntityTypeConfiguration<Tenant>
{
    public void Configure(EntityTypeBuilder<Tenant> b)
    {
        b.HasKey(t => t.Id);
        b.Property(t => t.Slug).HasMaxLength(40);
        b.HasIndex(t => t.Slug).IsUnique();
        b.Property(t => t.Name).HasMaxLength(120);
        b.Property(t => t.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(t => t.PlanCode).HasMaxLength(20);
        b.Property(t => t.CurrencyCode).HasMaxLength(3);
        b.Property(t => t.CurrencyName).HasMaxLength(40);
        b.Property(t => t.Locale).HasMaxLength(10);
        b.Property(t => t.TimeZone).HasMaxLength(60);
        b.Property(t => t.LogoUrl).HasMaxLength(500);
        b.Property(t => t.PrimaryColor).HasMaxLength(9);
        b.Property(t => t.SuspensionReason).HasMaxLength(500);
    }
}
