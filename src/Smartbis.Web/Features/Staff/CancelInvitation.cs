using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;

namespace Smartbis.Web.Features.Staff;

/// <summary>Cancels a pending staff invitation (its link stops working), with its audit entry, in one SaveChanges.</summary>
public sealed class CancelInvitation(SmartbisDb db, TimeProvider clock)
{
    /// <returns>False when there is no such pending invitation here (accepted, cancelled or another tenant's): the caller answers 404.</returns>
    public async Task<bool> ExecuteAsync(Guid invitationId, AuditActor actor, CancellationToken ct = default)
    {
        var i = await db.StaffInvitations.SingleOrDefaultAsync(x => x.Id == invitationId && x.AcceptedAt == null && x.RevokedAt == null, ct);
        if (i is null) return false;
        var now = clock.GetUtcNow();
        i.RevokedAt = now;
        RecordAudit.Add(db, actor, now, "staff.invitation_cancelled", $"Invitation of {i.Email} cancelled", "invitation", i.Id, values: new { email = i.Email });
        await db.SaveChangesAsync(ct);
        return true;
    }
}
