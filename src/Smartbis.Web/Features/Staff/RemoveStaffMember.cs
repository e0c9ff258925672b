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
public sealed class RemoveStaffMember(SmartbisDb db, RevokeStaffSessions revoke, TimeProvider clock)
{
    public enum Outcome { Removed, NotFound, Forbidden }

    public async Task<Outcome> ExecuteAsync(Guid membershipId, string actingUserId, StaffRole actingRole, AuditActor actor, CancellationToken ct = default)
    {
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var m = await db.Memberships.SingleOrDefaultAsync(x => x.Id == membershipId, ct);
            if (m is null) return Outcome.NotFound;
            if (m.UserId == actingUserId || (actingRole != StaffRole.Owner && m.Role != StaffRole.Cashier)) return Outcome.Forbidden;
            var email = await db.Users.Where(u => u.Id == m.UserId).Select(u => u.Email).SingleOrDefaultAsync(ct);
            db.Memberships.Remove(m);
            RecordAudit.Add(db, actor, clock.GetUtcNow(), "staff.deactivated", $"{email} removed from the staff", "membership", m.Id,
                new { email, Role = m.Role.ToString(), m.StoreId }, null);
            await db.SaveChangesAsync(ct);
            await revoke.ExecuteAsync(m.UserId, ct);
            await tx.CommitAsync(ct);
            return Outcome.Removed;
        });
    }
}

/// <summary>
/// Changes a staff member's role and store (owners only, never their own), with its audit entry, and ends that user's
/// sessions in the same transaction: they sign in again and work with the new role from the first request.
/// </summary>
public sealed class ChangeStaffRole(SmartbisDb db, RevokeStaffSessions revoke, TimeProvider clock)
{
    public async Task<RemoveStaffMember.Outcome> ExecuteAsync(Guid membershipId, StaffRole role, Guid? storeId, string actingUserId, StaffRole actingRole,
        AuditActor actor, CancellationToken ct = default)
    {
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var m = await db.Memberships.SingleOrDefaultAsync(x => x.Id == membershipId, ct);
            if (m is null) return RemoveStaffMember.Outcome.NotFound;
            if (actingRole != StaffRole.Owner || m.UserId == actingUserId) return RemoveStaffMember.Outcome.Forbidden;
            if (role == StaffRole.Cashier && (storeId is null || !await db.Stores.AnyAsync(s => s.Id == storeId, ct))) return RemoveStaffMember.Outcome.NotFound;
            var before = new { Role = m.Role.ToString(), m.StoreId };
            var changed = m.Role != role || m.StoreId != (role == StaffRole.Cashier ? storeId : null);
            m.Role = role;
            m.StoreId = role == StaffRole.Cashier ? storeId : null;
            RecordAudit.Add(db, actor, clock.GetUtcNow(), "staff.updated", $"Role of a staff member set to {role}", "membership", m.Id,
                before, new { Role = m.Role.ToString(), m.StoreId });
            await db.SaveChangesAsync(ct);
            if (changed) await revoke.ExecuteAsync(m.UserId, ct);
            await tx.CommitAsync(ct);
            return RemoveStaffMember.Outcome.Removed;
        });
    }
}
