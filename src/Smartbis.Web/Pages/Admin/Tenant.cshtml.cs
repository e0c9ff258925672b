using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Operations;
using Smartbis.Web.Features.Plans;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.Admin;

/// <summary>
/// One tenant for the operator: plan, staff, recent errors, the operator's history, and the actions (suspend, reactivate,
/// change the plan), each an operation in Features/ that audits itself in the tenant's audit log.
/// </summary>
public sealed class TenantModel(TenantDossier dossier, SuspendTenant suspend, ReactivateTenant reactivate, ChangePlan changePlan,
    SmartbisDb db) : PageModel
{
    public TenantDossier.Result Dossier { get; private set; } = null!;
    public string? Done { get; private set; }
    /// <summary>The plans an operator can move the tenant to (plans are data, in their order).</summary>
    public IReadOnlyList<(string Code, string Name)> Plans { get; private set; } = [];

    [BindProperty] public string? Reason { get; set; }
    [BindProperty] public string? NewPlan { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, string? done)
    {
        Done = done;
        return await LoadAsync(id) ? Page() : NotFound();
    }

    public Task<IActionResult> OnPostSuspendAsync(Guid id) =>
        ActAsync(id, "suspended", () => suspend.ExecuteAsync(new SuspendTenant.Request(id, Reason), AuditActor.From(HttpContext), HttpContext.RequestAborted));

    public Task<IActionResult> OnPostReactivateAsync(Guid id) =>
        ActAsync(id, "reactivated", () => reactivate.ExecuteAsync(new ReactivateTenant.Request(id, Reason), AuditActor.From(HttpContext), HttpContext.RequestAborted));

    /// <summary>The plans capability's operation: audited, the downgrade's consequences kept in the audit (docs/platform.md).</summary>
    public Task<IActionResult> OnPostPlanAsync(Guid id) =>
        ActAsync(id, "plan", () => changePlan.ExecuteAsync(new ChangePlan.Request(id, NewPlan ?? "", Reason),
            AuditActor.From(HttpContext) with { StoreId = null }, HttpContext.RequestAborted));

    private async Task<IActionResult> ActAsync(Guid id, string done, Func<Task> act)
    {
        try
        {
            await act();
            return Redirect($"/admin/tenants/{id}?done={done}");
        }
        catch (OperationFailed e) when (e.Status != 404)
        {
            foreach (var (field, messages) in ErrorTexts.Render(e, HttpContext))
                foreach (var m in messages) ModelState.AddModelError(field == "reason" ? nameof(Reason) : field, m);
            return await LoadAsync(id) ? Page() : NotFound();
        }
        catch (OperationFailed)
        {
            return NotFound();
        }
    }

    private async Task<bool> LoadAsync(Guid id)
    {
        if (await dossier.FindAsync(id, HttpContext.RequestAborted) is not { } d) return false;
        Dossier = d;
        Plans = (await db.Plans.AsNoTracking().OrderBy(p => p.Position).Select(p => new { p.Code, p.Name }).ToListAsync(HttpContext.RequestAborted))
            .Select(p => (p.Code, p.Name)).ToList();
        return true;
    }

    public static string Utc(DateTimeOffset? at) => at is { } a ? a.UtcDateTime.ToString("g") : "—";
}
