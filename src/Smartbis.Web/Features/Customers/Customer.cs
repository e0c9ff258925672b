using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Customers;

public enum CustomerStatus { Active, Blocked, Anonymized }

public enum Channel { Email, WhatsApp }

/// <summary>
/// A customer of one tenant. A walk-in known only by phone at the counter is <em>unclaimed</em>
/// (JoinedAt null): they earn, nothing is sent to them, and the credit waits for them to join.
/// </summary>
public sealed class Customer : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public string Name { get; set; } = "";
    /// <summary>E.164.</summary>
    public string? Phone { get; set; }
    /// <summary>Lower case.</summary>
    public string? Email { get; set; }
    /// <summary>11 digits, checksum-valid.</summary>
    public string? Cpf { get; set; }
    public DateOnly? BirthDate { get; set; }
    /// <summary>Short code on the customer's card / portal QR, for lookup at the counter.</summary>
    public required string CardCode { get; set; }
    /// <summary>The code a customer shares to refer friends.</summary>
    public required string ReferralCode { get; set; }
    public Guid? ReferredByCustomerId { get; set; }
    public CustomerStatus Status { get; set; } = CustomerStatus.Active;
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>When the customer joined the program; null while an unclaimed walk-in.</summary>
    public DateTimeOffset? JoinedAt { get; set; }
    /// <summary>Current consent per channel; the history with time, source and wording is in customer_consents.</summary>
    public bool EmailConsent { get; set; }
    public bool WhatsAppConsent { get; set; }
    public string? Locale { get; set; }
    /// <summary>
    /// Drawn once at random when the customer joins while the tenant's control group is on (Results/ControlGroup.cs), never
    /// changed: a control-group member earns and redeems normally but gets no automated messages (and, if chosen, no boosts).
    /// </summary>
    public bool InControlGroup { get; set; }

    public bool IsClaimed => JoinedAt is not null;
}

/// <summary>One consent decision (LGPD): which channel, granted or withdrawn, when, where and in what words.</summary>
public sealed class CustomerConsent : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid CustomerId { get; set; }
    public Channel Channel { get; set; }
    public bool Granted { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>"counter", "portal", "api", "import", "unsubscribe link"...</summary>
    public string Source { get; set; } = "";
    /// <summary>The words the customer agreed to, as shown.</summary>
    public string? Wording { get; set; }
}

public sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> b)
    {
        b.HasKey(c => new { c.TenantId, c.Id });
        b.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Customer>().WithMany().HasForeignKey(c => new { c.TenantId, c.ReferredByCustomerId }).OnDelete(DeleteBehavior.Restrict);
        b.Property(c => c.Name).HasMaxLength(120);
        b.Property(c => c.Phone).HasMaxLength(20);
        b.Property(c => c.Email).HasMaxLength(254);
        b.Property(c => c.Cpf).HasMaxLength(11);
        b.Property(c => c.CardCode).HasMaxLength(12);
        b.Property(c => c.ReferralCode).HasMaxLength(12);
        b.Property(c => c.Locale).HasMaxLength(10);
        b.Property(c => c.Status).HasConversion<string>().HasMaxLength(20);
        b.HasIndex(c => new { c.TenantId, c.Phone }).IsUnique().HasFilter("phone IS NOT NULL");
        b.HasIndex(c => new { c.TenantId, c.Email }).IsUnique().HasFilter("email IS NOT NULL");
        b.HasIndex(c => new { c.TenantId, c.Cpf }).IsUnique().HasFilter("cpf IS NOT NULL");
        b.HasIndex(c => new { c.TenantId, c.CardCode }).IsUnique();
        b.HasIndex(c => new { c.TenantId, c.ReferralCode }).IsUnique();
        // The tenant's members (Plans/PlanLimits.Members), counted by the dashboard's plan panel on every load: an
        // index-only count, not a scan of the whole table (218 ms of the page at 1,000,000 customers).
        b.HasIndex(c => c.TenantId).HasFilter("joined_at IS NOT NULL AND status <> 'Anonymized'").HasDatabaseName("ix_customers_members");
    }
}

public sealed class CustomerConsentConfiguration : IEntityTypeConfiguration<CustomerConsent>
{
    public void Configure(EntityTypeBuilder<CustomerConsent> b)
    {
        b.ToTable("customer_consents");
        b.HasKey(c => new { c.TenantId, c.Id });
        b.HasOne<Customer>().WithMany().HasForeignKey(c => new { c.TenantId, c.CustomerId }).OnDelete(DeleteBehavior.Restrict);
        b.Property(c => c.Channel).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.Source).HasMaxLength(40);
        b.Property(c => c.Wording).HasMaxLength(1000);
        b.HasIndex(c => new { c.TenantId, c.CustomerId, c.At });
    }
}
