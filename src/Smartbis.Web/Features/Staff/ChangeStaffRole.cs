using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Staff;

/// <summary>
/// Changes a staff member's role and store (owners only, never their own), with its audit entry, and ends that user's
/// sessions in the same transaction: they sign in again and work with the new role from the first request.
/// </summary>
public sealed class ChangeStaffRole(SmartbisDb db, RevokeStaffSessions revoke, TimeProvider clock)
{
    public async Task<StaffChange> ExecuteAsync(Guid membershipId, StaffRole role, Guid? storeId, string actingUserId, StaffRole actingRole,
        AuditActor actor, CancellationToken ct = default)
    {
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var m = await db.Memberships.SingleOrDefaultAsync(x => x.Id == membershipId, ct);
            if (m is null) return StaffChange.NotFound;
            if (actingRole != StaffRole.Owner || m.UserId == actingUserId) return StaffChange.Forbidden;
            if (role == StaffRole.Cashier && (storeId is null || !await db.Stores.AnyAsync(s => s.Id == storeId, ct))) return StaffChange.NotFound;
            var before = new { Role = m.Role.ToString(), m.StoreId };
            var changed = m.Role != role || m.StoreId != (role == StaffRole.Cashier ? storeId : null);
            m.Role = role;
            m.StoreId = role == StaffRole.Cashier ? storeId : null;
            RecordAudit.Add(db, actor, clock.GetUtcNow(), "staff.updated", $"Role of a staff member set to {role}", "membership", m.Id,
                before, new { Role = m.Role.ToString(), m.StoreId }, values: new { role = role.ToString() });
            await db.SaveChangesAsync(ct);
            if (changed) await revoke.ExecuteAsync(m.UserId, ct);
            await tx.CommitAsync(ct);
            return StaffChange.Done;
        });
    }
}
