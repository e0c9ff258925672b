using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Operations;

/// <summary>
/// An operator suspends a tenant, with a reason: from the commit on, nothing can be recorded (<see cref="Suspension"/>),
/// the API answers 403, the jobs skip it, staff and members read only. Nothing is deleted. Audited in the tenant's own
/// audit log (the merchant sees who suspended it and why), in the same transaction.
/// </summary>
public sealed class SuspendTenant(LedgerUnit unit, TimeProvider clock)
{
    public const int MaxReasonLength = 500;

    public sealed record Request(Guid TenantId, string? Reason);

    public async Task ExecuteAsync(Request request, AuditActor actor, CancellationToken ct = default)
    {
        var reason = CheckReason(request.Reason);
        await unit.RunAsync(request.TenantId, async db =>
        {
            var now = clock.GetUtcNow();
            // A guarded UPDATE: two operators at once suspend it once (the second is told it already is).
            var changed = await db.Tenants.Where(t => t.Id == request.TenantId && t.Status == TenantStatus.Active)
                .ExecuteUpdateAsync(u => u.SetProperty(t => t.Status, TenantStatus.Suspended)
                    .SetProperty(t => t.SuspendedAt, now).SetProperty(t => t.SuspensionReason, reason), ct);
            db.ConfigChanged(request.TenantId); // cached by the API's key check: dropped on every node at commit
            if (changed == 0)
            {
                if (!await db.Tenants.AnyAsync(t => t.Id == request.TenantId, ct)) throw new OperationFailed("not_found", "tenant_not_found", "", 404);
                throw new OperationFailed("conflict", "tenant_already_suspended", "", 409);
            }
            RecordAudit.Add(db, actor, now, "tenant.suspended", $"Suspended by the platform operator: {reason}", "tenant", request.TenantId,
                before: new { status = nameof(TenantStatus.Active) }, after: new { status = nameof(TenantStatus.Suspended), reason }, values: new { reason });
            await db.SaveChangesAsync(ct);
            return 0;
        }, ct);
    }

    /// <summary>A reason is required (it is what the merchant's staff and the API's callers read).</summary>
    public static string CheckReason(string? raw)
    {
        var reason = (raw ?? "").Trim();
        new Validation()
            .Check(reason.Length >= 3, "reason", "suspension_reason_required")
            .Check(reason.Length <= MaxReasonLength, "reason", "suspension_reason_too_long", new { max = MaxReasonLength })
            .ThrowIfInvalid();
        return reason;
    }
}
