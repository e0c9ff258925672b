using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Operations;

/// <summary>
/// An operator reactivates a suspended tenant, with a reason: recording, the API and the jobs resume from the commit.
/// What fell due while it was suspended is not sent late in a burst: every message still waiting whose time has come
/// (planned before or during the suspension) is marked Skipped with the reason, in the same transaction, so the merchant
/// sees it in the delivery log; the scans (expiring soon, win-back, birthdays) look at the state from now on.
/// </summary>
public sealed class ReactivateTenant(LedgerUnit unit, TimeProvider clock)
{
    public const string SkippedReason = "Not sent: the program was suspended when this message was due.";

    public sealed record Request(Guid TenantId, string? Reason);

    public sealed record Result(int MessagesSkipped);

    public async Task<Result> ExecuteAsync(Request request, AuditActor actor, CancellationToken ct = default)
    {
        var reason = SuspendTenant.CheckReason(request.Reason);
        return await unit.RunAsync(request.TenantId, async db =>
        {
            var now = clock.GetUtcNow();
            var before = await db.Tenants.AsNoTracking().Where(t => t.Id == request.TenantId)
                .Select(t => new { t.Status, t.SuspendedAt, t.SuspensionReason }).SingleOrDefaultAsync(ct)
                ?? throw new OperationFailed("not_found", "tenant_not_found", "", 404);
            var changed = await db.Tenants.Where(t => t.Id == request.TenantId && t.Status == TenantStatus.Suspended)
                .ExecuteUpdateAsync(u => u.SetProperty(t => t.Status, TenantStatus.Active)
                    .SetProperty(t => t.SuspendedAt, (DateTimeOffset?)null).SetProperty(t => t.SuspensionReason, (string?)null), ct);
            db.ConfigChanged(request.TenantId); // cached by the API's key check: dropped on every node at commit
            if (changed == 0) throw new OperationFailed("conflict", "tenant_not_suspended", "", 409);
            var skipped = await db.Messages
                .Where(m => m.TenantId == request.TenantId && m.Status == MessageStatus.Scheduled && m.NotBefore <= now)
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.Status, MessageStatus.Skipped).SetProperty(m => m.Error, SkippedReason), ct);
            RecordAudit.Add(db, actor, now, "tenant.reactivated", $"Reactivated by the platform operator: {reason}", "tenant", request.TenantId,
                before: new { status = nameof(TenantStatus.Suspended), suspendedAt = before.SuspendedAt, suspensionReason = before.SuspensionReason },
                after: new { status = nameof(TenantStatus.Active), reason, messagesSkipped = skipped }, values: new { reason });
            await db.SaveChangesAsync(ct);
            return new Result(skipped);
        }, ct);
    }
}
