using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Plans;

namespace Smartbis.Web.Pages.Plans;

/// <summary>Public /plans: the price list as the plans table holds it now (an operator's edit shows at once).</summary>
public sealed class IndexModel(SmartbisDb db) : PageModel
{
    public List<PlanDefinition> Plans { get; private set; } = [];

    public async Task OnGetAsync() =>
        Plans = await db.Plans.Where(p => p.Public).OrderBy(p => p.Position).ToListAsync(HttpContext.RequestAborted);
}
