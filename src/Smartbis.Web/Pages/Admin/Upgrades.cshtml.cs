using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Plans;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.Admin;

/// <summary>/admin/upgrades (operators): plan change requests of every tenant; approve or refuse (<see cref="IBillingProvider"/>).</summary>
public sealed class UpgradesModel(SmartbisDb db) : PageModel
{
    public sealed record Row(UpgradeRequest Request, string TenantName, string TenantSlug);

    public List<Row> Pending { get; private set; } = [];
    public List<Row> Decided { get; private set; } = [];
    public string? Error { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public Task<IActionResult> OnPostApproveAsync(Guid tenantId, Guid requestId, string? note, [FromServices] IBillingProvider billing) =>
        DecideAsync(() => billing.ApproveAsync(tenantId, requestId, Operator(), note, HttpContext.RequestAborted), "approved");

    public Task<IActionResult> OnPostRefuseAsync(Guid tenantId, Guid requestId, string? note, [FromServices] IBillingProvider billing) =>
        DecideAsync(() => billing.RefuseAsync(tenantId, requestId, Operator(), note, HttpContext.RequestAborted), "refused");

    private async Task<IActionResult> DecideAsync(Func<Task> decide, string outcome)
    {
        try
        {
            await decide();
            return Redirect($"/admin/upgrades?done={outcome}");
        }
        catch (OperationFailed e) when (e.Status != 404)
        {
            Error = string.Join(" ", ErrorTexts.Render(e, HttpContext).SelectMany(m => m.Value));
        }
        await LoadAsync();
        return Page();
    }

    // The operator acts in the tenant's audit log under their own name (no membership there).
    private AuditActor Operator() => AuditActor.From(HttpContext) with { StoreId = null };

    private async Task LoadAsync()
    {
        var requests = await CrossTenantRead.RunAsync(db, CrossTenantPurpose.OperatorUpgrades, () =>
            db.UpgradeRequests.IgnoreQueryFilters().OrderByDescending(u => u.RequestedAt).Take(200).ToListAsync());
        var ids = requests.Select(r => r.TenantId).Distinct().ToList();
        var tenants = await db.Tenants.Where(t => ids.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => new { t.Name, t.Slug });
        var rows = requests.Select(r => new Row(r, tenants.GetValueOrDefault(r.TenantId)?.Name ?? "?", tenants.GetValueOrDefault(r.TenantId)?.Slug ?? "")).ToList();
        Pending = rows.Where(r => r.Request.Status == UpgradeStatus.Pending).OrderBy(r => r.Request.RequestedAt).ToList();
        Decided = rows.Where(r => r.Request.Status != UpgradeStatus.Pending).Take(50).ToList();
    }
}
