using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Staff;

/// <summary>
/// Removes a staff member from the business (owners; managers only cashiers; never oneself), with its audit entry, and
/// ends every session of that user in the same transaction (security stamp): their copied cookies die on every node.
/// Memberships are also read on every request, so the access to this business ends with the commit.
/// </summary>
/// <summary>What a change to a staff member came to: done, no such membership here (404), or not allowed (403).</summary>
public enum StaffChange { Done, NotFound, Forbidden }

public sealed class RemoveStaffMember(SmartbisDb db, RevokeStaffSessions revoke, TimeProvider clock)
{
    public async Task<StaffChange> ExecuteAsync(Guid membershipId, string actingUserId, StaffRole actingRole, AuditActor actor, CancellationToken ct = default)
    {
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var m = await db.Memberships.SingleOrDefaultAsync(x => x.Id == membershipId, ct);
            if (m is null) return StaffChange.NotFound;
            if (m.UserId == actingUserId || (actingRole != StaffRole.Owner && m.Role != StaffRole.Cashier)) return StaffChange.Forbidden;
            var email = await db.Users.Where(u => u.Id == m.UserId).Select(u => u.Email).SingleOrDefaultAsync(ct);
            db.Memberships.Remove(m);
            RecordAudit.Add(db, actor, clock.GetUtcNow(), "staff.deactivated", $"{email} removed from the staff", "membership", m.Id,
                new { email, Role = m.Role.ToString(), m.StoreId }, null, values: new { email });
            await db.SaveChangesAsync(ct);
            await revoke.ExecuteAsync(m.UserId, ct);
            await tx.CommitAsync(ct);
            return StaffChange.Done;
        });
    }
}
