using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Smartbis.Web.Features.Plans;

/// <summary>
/// One plan of the price list (table <c>plans</c>, reference data shared by every tenant): its limits and features are
/// data, changed by an operator on /admin/plans (<see cref="EditPlan"/>) without a deploy. A null limit is unlimited.
/// Monthly message limits count messages sent per channel in a calendar month (UTC).
/// </summary>
public sealed class PlanDefinition
{
    public const string Free = "free";
    public const string Growth = "growth";
    public const string Pro = "pro";

    /// <summary>Stable key, referenced by <c>tenants.plan_code</c>.</summary>
    public required string Code { get; set; }
    /// <summary>Display name (a brand word, the same in every language).</summary>
    public required string Name { get; set; }
    /// <summary>Order on the plans page, cheapest first; a higher position is an upgrade.</summary>
    public int Position { get; set; }
    /// <summary>Display price per month in cents (no payment gateway: invoiced by hand).</summary>
    public long PriceCents { get; set; }
    public string CurrencyCode { get; set; } = "BRL";
    public int? MaxMembers { get; set; }
    public int? MaxStores { get; set; }
    public int? MaxStaff { get; set; }
    public int? MaxEmailsPerMonth { get; set; }
    public int? MaxWhatsAppPerMonth { get; set; }
    public bool WhatsAppAllowed { get; set; }
    public bool ApiAccess { get; set; }
    public bool AutomationsAllowed { get; set; }
    /// <summary>Days of trial a new business may start this plan with (0: no trial).</summary>
    public int TrialDays { get; set; }
    /// <summary>Whether sign-up and upgrade requests offer it.</summary>
    public bool Public { get; set; } = true;
    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class PlanDefinitionConfiguration : IEntityTypeConfiguration<PlanDefinition>
{
    public void Configure(EntityTypeBuilder<PlanDefinition> b)
    {
        b.ToTable("plans", t =>
        {
            t.HasCheckConstraint("ck_plans_limits", "coalesce(max_members, 0) >= 0 AND coalesce(max_stores, 1) >= 1 AND coalesce(max_staff, 1) >= 1 AND coalesce(max_emails_per_month, 0) >= 0 AND coalesce(max_whats_app_per_month, 0) >= 0 AND trial_days BETWEEN 0 AND 90 AND price_cents >= 0");
        });
        b.HasKey(p => p.Code);
        b.Property(p => p.Code).HasMaxLength(20);
        b.Property(p => p.Name).HasMaxLength(40);
        b.Property(p => p.CurrencyCode).HasMaxLength(3);
    }
}
