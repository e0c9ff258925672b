using Smartbis.Web.Features.Audit;

namespace Smartbis.Web.Features.Plans;

/// <summary>
/// How a plan change is paid for and decided: the one seam for a payment gateway. Today <see cref="ManualApprovalBilling"/>:
/// an owner's request waits for an operator on /admin/upgrades, who approves (the plan changes, <see cref="ChangePlan"/>)
/// or refuses it; the owner is emailed either way. A gateway would implement the same three calls (request → checkout,
/// its webhook → approve/refuse) and be registered instead in <see cref="PlansSetup"/>.
/// </summary>
public interface IBillingProvider
{
    /// <summary>The owner of the current tenant asks for <paramref name="toPlanCode"/>.</summary>
    Task<UpgradeRequest> RequestAsync(string toPlanCode, AuditActor owner, string ownerEmail, CancellationToken ct = default);

    /// <summary>The request is paid for / accepted: the tenant moves to the requested plan.</summary>
    Task ApproveAsync(Guid tenantId, Guid requestId, AuditActor decidedBy, string? note, CancellationToken ct = default);

    /// <summary>The request is refused (with the reason the owner reads).</summary>
    Task RefuseAsync(Guid tenantId, Guid requestId, AuditActor decidedBy, string? note, CancellationToken ct = default);
}
