using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Security;

/// <summary>
/// How many attempts one subject (a client IP, an identifier, a user) made at one thing (the scope) in one fixed time
/// window. Written only by <see cref="AttemptLimit"/>, with one atomic upsert, so every web node counts in the same row.
/// </summary>
public sealed class AttemptCounter : ITenantOwned
{
    public Guid TenantId { get; set; }
    /// <summary>What is being limited: "portal.code.send", "portal.code.guess", …</summary>
    public string Scope { get; set; } = "";
    /// <summary>Who is limited: a client key (<see cref="ClientKey"/>), a hashed identifier, …</summary>
    public string Subject { get; set; } = "";
    public DateTimeOffset WindowStart { get; set; }
    public int Count { get; set; }
}

public sealed class AttemptCounterConfiguration : IEntityTypeConfiguration<AttemptCounter>
{
    public void Configure(EntityTypeBuilder<AttemptCounter> b)
    {
        b.ToTable("attempt_counters");
        b.HasKey(c => new { c.TenantId, c.Scope, c.Subject, c.WindowStart });
        b.Property(c => c.Scope).HasMaxLength(40);
        b.Property(c => c.Subject).HasMaxLength(100);
    }
}
