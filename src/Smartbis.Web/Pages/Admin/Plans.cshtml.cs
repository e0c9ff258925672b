using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Plans;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.Admin;

/// <summary>/admin/plans (operators): each plan's limits, features, trial and price as a form (<see cref="EditPlan"/>), and the edits made.</summary>
public sealed class PlansModel(SmartbisDb db) : PageModel
{
    public List<PlanDefinition> Plans { get; private set; } = [];
    public List<PlanEdit> Edits { get; private set; } = [];
    /// <summary>Tenants per plan (tenants is a platform table: no cross-tenant read needed).</summary>
    public Dictionary<string, int> Tenants { get; private set; } = [];
    /// <summary>The plan whose form was refused, with its typed values and errors.</summary>
    public string? Failed { get; private set; }
    public Dictionary<string, string> Errors { get; private set; } = [];
    [BindProperty] public EditPlan.Request? Input { get; set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAsync([FromServices] EditPlan edit)
    {
        if (Input is null) return BadRequest();
        var email = User.FindFirst(System.Security.Claims.ClaimTypes.Email)?.Value ?? User.Identity?.Name ?? "operator";
        try
        {
            return await edit.ExecuteAsync(Input, email, HttpContext.RequestAborted) ? Redirect($"/admin/plans?saved={Input.Code}") : NotFound();
        }
        catch (OperationFailed e)
        {
            Failed = Input.Code;
            Errors = ErrorTexts.Render(e, HttpContext).ToDictionary(m => m.Key, m => string.Join(" ", m.Value));
        }
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        Plans = await db.Plans.OrderBy(p => p.Position).ToListAsync();
        Edits = await db.PlanEdits.OrderByDescending(e => e.At).Take(20).ToListAsync();
        Tenants = await db.Tenants.GroupBy(t => t.PlanCode).Select(g => new { g.Key, N = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.N);
    }

    /// <summary>What the form shows for a field: the refused input when this plan's form was refused, else the stored value.</summary>
    public string Value(PlanDefinition p, string field, string? stored) =>
        Failed == p.Code && Input is not null ? (typeof(EditPlan.Request).GetProperty(field)?.GetValue(Input) as string ?? "") : stored ?? "";
}
