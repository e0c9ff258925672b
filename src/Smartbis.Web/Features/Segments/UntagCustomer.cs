using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Segments;

/// <summary>Takes a tag off a customer (the tag itself stays for the others). Audited; removing it twice changes nothing.</summary>
public sealed class UntagCustomer(SmartbisDb db, TenantContext tenant, TimeProvider clock)
{
    public async Task ExecuteAsync(Guid customerId, Guid tagId, AuditActor actor, CancellationToken ct = default)
    {
        tenant.Require();
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var tag = await db.Set<Tag>().AsNoTracking().SingleOrDefaultAsync(t => t.Id == tagId, ct)
                  ?? throw new OperationFailed("not_found", "tag_not_found", "tagId", 404);
        if (!await db.Customers.AnyAsync(c => c.Id == customerId, ct)) throw new OperationFailed("not_found", "customer_not_found", "customerId", 404);
        var link = await db.Set<CustomerTag>().SingleOrDefaultAsync(x => x.TagId == tagId && x.CustomerId == customerId, ct);
        if (link is not null)
        {
            db.Remove(link);
            RecordAudit.Add(db, actor, now, "customer.untagged", $"Tag \"{tag.Name}\" removed", "customer", customerId, new { tag = tag.Name, tagId = tag.Id }, null, values: new { tag = tag.Name });
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
    }
}
