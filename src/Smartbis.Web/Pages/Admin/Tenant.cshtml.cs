using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Operations;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.Admin;

/// <summary>
/// One tenant for the operator: plan, staff, recent errors, the operator's history, and the actions (suspend, reactivate,
/// change the plan), each an operation in Features/ that audits itself in the tenant's audit log.
/// </summary>
public sealed class TenantModel(TenantDossier dossier, SuspendTenant suspend, ReactivateTenant reactivate,
    IStringLocalizer<SharedResource> T) : PageModel
{
    public TenantDossier.Result Dossier { get; private set; } = null!;
    public string? Done { get; private set; }

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

    // ───────────────────────────── plan change: the slot ─────────────────────────────
    // The plans capability (Features/Plans/ChangePlan.cs, branch "platform") owns plan changes, their limits and audit.
    // MERGE: make ChangePlanAsync call it (e.g. changePlan.ExecuteAsync(new(id, plan), actor)); the form and this handler stay.
    // Until then the form answers that it is not connected, and changes nothing.
    public async Task<IActionResult> OnPostPlanAsync(Guid id)
    {
        ModelState.AddModelError(nameof(NewPlan), T["Changing the plan here is not connected yet."]);
        return await LoadAsync(id) ? Page() : NotFound();
    }
    // ──────────────────────────────────────────────────────────────────────────────────

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
        return true;
    }

    public static string Utc(DateTimeOffset? at) => at is { } a ? a.UtcDateTime.ToString("g") : "—";
}
