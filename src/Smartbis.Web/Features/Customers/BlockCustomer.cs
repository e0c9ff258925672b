using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Portal;

namespace Smartbis.Web.Features.Customers;

/// <summary>
/// Blocks or unblocks a customer (dashboard), with its audit entry, in one SaveChanges. Blocking also revokes every
/// portal session of the member, so unblocking later does not bring an old copied cookie back to life.
/// </summary>
public sealed class BlockCustomer(SmartbisDb db, TimeProvider clock)
{
    /// <returns>False when there is no such customer (or it was anonymized): the caller answers 404.</returns>
    public async Task<bool> ExecuteAsync(Guid customerId, bool block, AuditActor actor, CancellationToken ct = default)
    {
        var customer = await db.Customers.SingleOrDefaultAsync(c => c.Id == customerId, ct);
        if (customer is null || customer.Status == CustomerStatus.Anonymized) return false;
        var now = clock.GetUtcNow();
        var before = customer.Status;
        customer.Status = block ? CustomerStatus.Blocked : CustomerStatus.Active;
        if (block) await PortalSessions.RevokeAllTrackedAsync(db, customerId, now, ct);
        RecordAudit.Add(db, actor, now, block ? "customer.blocked" : "customer.unblocked",
            $"{customer.Name} {(block ? "blocked" : "unblocked")}", "customer", customerId, new { Status = before.ToString() }, new { Status = customer.Status.ToString() }, values: new { customer = customer.Name });
        await db.SaveChangesAsync(ct);
        return true;
    }
}
