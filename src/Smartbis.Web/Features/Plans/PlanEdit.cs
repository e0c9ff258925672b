using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Smartbis.Web.Features.Plans;

/// <summary>
/// The platform's audit of the price list: one row per operator edit of a plan (<see cref="EditPlan"/>), with the values
/// before and after. A plan belongs to no tenant, so its audit cannot live in a tenant's <c>audit_entries</c>.
/// </summary>
public sealed class PlanEdit
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string PlanCode { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Operator { get; set; }
    public JsonDocument? Before { get; set; }
    public JsonDocument? After { get; set; }
}

public sealed class PlanEditConfiguration : IEntityTypeConfiguration<PlanEdit>
{
    public void Configure(EntityTypeBuilder<PlanEdit> b)
    {
        b.ToTable("plan_edits");
        b.HasKey(e => e.Id);
        b.Property(e => e.PlanCode).HasMaxLength(20);
        b.Property(e => e.Operator).HasMaxLength(256);
        b.HasIndex(e => new { e.PlanCode, e.At });
        b.HasOne<PlanDefinition>().WithMany().HasForeignKey(e => e.PlanCode).OnDelete(DeleteBehavior.Cascade);
    }
}
