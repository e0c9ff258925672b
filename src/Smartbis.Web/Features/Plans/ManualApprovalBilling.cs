using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Notifications.Email;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Plans;

/// <summary>
/// <see cref="IBillingProvider"/> without a gateway: requests wait for an operator. Each step is one transaction with
/// its audit entry (in the tenant's audit log); the decision email to the requesting owner goes after the commit.
/// </summary>
public sealed class ManualApprovalBilling(SmartbisDb db, LedgerUnit unit, IEmailSender email, TimeProvider clock,
    ILogger<ManualApprovalBilling> log) : IBillingProvider
{
    public async Task<UpgradeRequest> RequestAsync(string toPlanCode, AuditActor owner, string ownerEmail, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var tenantId = db.Tenant.Require();
        var current = await PlanLimits.PlanOfAsync(db, ct);
        var target = await db.Plans.SingleOrDefaultAsync(p => p.Code == toPlanCode && p.Public, ct)
                     ?? throw new OperationFailed("validation", "plan_unknown", "planCode");
        var onTrial = await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.TrialEndsAt).SingleAsync(ct) is not null;
        if (target.Code == current.Code && !onTrial) throw new OperationFailed("validation", "upgrade_same_plan", "planCode");
        if (await db.UpgradeRequests.AnyAsync(u => u.Status == UpgradeStatus.Pending, ct))
            throw new OperationFailed("conflict", "upgrade_pending", "planCode", 409);
        var request = new UpgradeRequest
        {
            FromPlanCode = current.Code, ToPlanCode = target.Code, RequestedByUserId = owner.UserId, RequestedByEmail = ownerEmail, RequestedAt = now,
        };
        db.UpgradeRequests.Add(request);
        RecordAudit.Add(db, owner, now, "plan.upgrade_requested", $"Plan change requested from {current.Code} to {target.Code}", "upgrade_request",
            request.Id, null, new { request.FromPlanCode, request.ToPlanCode }, values: new { from = current.Code, to = target.Code });
        await db.SaveChangesAsync(ct);
        return request;
    }

    public Task ApproveAsync(Guid tenantId, Guid requestId, AuditActor decidedBy, string? note, CancellationToken ct = default) =>
        DecideAsync(tenantId, requestId, decidedBy, note, approve: true, ct);

    public Task RefuseAsync(Guid tenantId, Guid requestId, AuditActor decidedBy, string? note, CancellationToken ct = default) =>
        DecideAsync(tenantId, requestId, decidedBy, note, approve: false, ct);

    private async Task DecideAsync(Guid tenantId, Guid requestId, AuditActor decidedBy, string? note, bool approve, CancellationToken ct)
    {
        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim()[..Math.Min(note.Trim().Length, 500)];
        var decided = await unit.RunAsync(tenantId, async db =>
        {
            var now = clock.GetUtcNow();
            var request = await db.UpgradeRequests.SingleOrDefaultAsync(u => u.Id == requestId, ct)
                          ?? throw new OperationFailed("not_found", "upgrade_request_not_found", "", 404);
            if (request.Status != UpgradeStatus.Pending) throw new OperationFailed("conflict", "upgrade_decided", "", 409);
            request.Status = approve ? UpgradeStatus.Approved : UpgradeStatus.Refused;
            request.DecidedAt = now;
            request.DecidedBy = decidedBy.Name;
            request.Note = note;
            RecordAudit.Add(db, decidedBy, now, approve ? "plan.upgrade_approved" : "plan.upgrade_refused",
                $"Plan change to {request.ToPlanCode} {(approve ? "approved" : "refused")}", "upgrade_request", request.Id,
                new { Status = nameof(UpgradeStatus.Pending) }, new { Status = request.Status.ToString(), note }, values: new { to = request.ToPlanCode });
            await db.SaveChangesAsync(ct);
            if (approve)
                await ChangePlan.ExecuteInAsync(db, new ChangePlan.Request(tenantId, request.ToPlanCode, $"upgrade request {request.Id} approved"), decidedBy, now, ct);
            var tenant = await db.Tenants.Where(t => t.Id == tenantId).Select(t => new { t.Name, t.Locale }).SingleAsync(ct);
            var plan = await db.Plans.Where(p => p.Code == request.ToPlanCode).Select(p => p.Name).SingleAsync(ct);
            return (request.RequestedByEmail, tenant.Name, tenant.Locale, plan);
        }, ct);
        var mail = RenderTemplate.Transactional(approve ? TransactionalTemplates.UpgradeApproved : TransactionalTemplates.UpgradeRefused, decided.Locale,
            new Dictionary<string, string> { ["brand"] = decided.Name, ["plan"] = decided.plan, ["note"] = note ?? "" });
        try
        {
            await email.SendAsync(new EmailMessage(decided.RequestedByEmail, mail.Subject, mail.Html, mail.Text), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The decision stands (committed, audited, shown on /app/plan); only the email is lost.
            log.LogWarning(e, "Could not email the upgrade decision to {Email}", decided.RequestedByEmail);
        }
    }
}
