using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Plans;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.App.Plan;

/// <summary>
/// /app/plan (owners and managers): the plan in force, usage against its limits, the history by month, and the other
/// plans with what each would stop; the owner asks for a change (<see cref="IBillingProvider"/>), an operator decides.
/// </summary>
public sealed class IndexModel(SmartbisDb db, CurrentStaff staff, TimeProvider clock) : PageModel
{
    public PlanStanding Standing { get; private set; } = null!;
    public List<PlanDefinition> Plans { get; private set; } = [];
    public List<UsageMonth> History { get; private set; } = [];
    public List<UpgradeRequest> Requests { get; private set; } = [];
    public bool IsOwner => staff.Role == StaffRole.Owner;
    public string? Error { get; private set; }
    [BindProperty] public string? PlanCode { get; set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostRequestAsync([FromServices] IBillingProvider billing)
    {
        if (!IsOwner) return Forbid();
        try
        {
            var actor = AuditActor.From(HttpContext, staff);
            await billing.RequestAsync(PlanCode ?? "", actor, actor.Name, HttpContext.RequestAborted);
            return Redirect("/app/plan?requested=1");
        }
        catch (OperationFailed e) when (e.Status != 404)
        {
            Error = string.Join(" ", ErrorTexts.Render(e, HttpContext).SelectMany(m => m.Value));
        }
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        var ct = HttpContext.RequestAborted;
        Standing = await PlanLimits.StandingAsync(db, clock.GetUtcNow(), ct);
        Plans = await db.Plans.Where(p => p.Public).OrderBy(p => p.Position).ToListAsync(ct);
        History = await db.UsageMonths.OrderByDescending(u => u.Month).Take(12).ToListAsync(ct);
        Requests = await db.UpgradeRequests.OrderByDescending(u => u.RequestedAt).Take(5).ToListAsync(ct);
    }
}
