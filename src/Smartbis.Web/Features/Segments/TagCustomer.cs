using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Segments;

/// <summary>
/// Puts a tag on a customer, making the tag (per tenant, by name, case-insensitive) the first time it is used. Tagging
/// twice changes nothing. Audited in the same transaction.
/// </summary>
public sealed class TagCustomer(SmartbisDb db, TenantContext tenant, TimeProvider clock)
{
    public const int MaxLength = 40;
    public const int MaxTagsPerTenant = 200;

    public static string Normalize(string name) => name.Trim().ToLowerInvariant();

    public async Task<Tag> ExecuteAsync(Guid customerId, string name, AuditActor actor, CancellationToken ct = default)
    {
        var trimmed = (name ?? "").Trim();
        new Validation().Check(trimmed.Length is >= 1 and <= MaxLength, "tag", "tag_name", new { maximum = MaxLength }).ThrowIfInvalid();
        var tenantId = tenant.Require();
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!await db.Customers.AnyAsync(c => c.Id == customerId, ct)) throw new OperationFailed("not_found", "customer_not_found", "customerId", 404);
        var normalized = Normalize(trimmed);
        // Two first uses of a name may race: the loser's insert does nothing and both read the winner's tag.
        if (!await db.Set<Tag>().AnyAsync(t => t.NormalizedName == normalized, ct))
        {
            if (await db.Set<Tag>().CountAsync(ct) >= MaxTagsPerTenant)
                throw new OperationFailed("validation", "tag_too_many", "tag", values: new { maximum = MaxTagsPerTenant });
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO tags (tenant_id, id, name, normalized_name, created_at) VALUES ({tenantId}, {Guid.CreateVersion7()}, {trimmed}, {normalized}, {now})
                ON CONFLICT (tenant_id, normalized_name) DO NOTHING
                """, ct);
        }
        var tag = await db.Set<Tag>().AsNoTracking().SingleAsync(t => t.NormalizedName == normalized, ct);
        var added = await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO customer_tags (tenant_id, tag_id, customer_id, added_at) VALUES ({tenantId}, {tag.Id}, {customerId}, {now})
            ON CONFLICT DO NOTHING
            """, ct);
        if (added > 0)
        {
            RecordAudit.Add(db, actor, now, "customer.tagged", $"Tag \"{tag.Name}\" added", "customer", customerId, null, new { tag = tag.Name, tagId = tag.Id }, values: new { tag = tag.Name });
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
        return tag;
    }
}
