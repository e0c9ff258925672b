using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Onboarding;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Pages.App.Welcome;

/// <summary>The onboarding checklist a new owner lands on after sign-up.</summary>
[Authorize(Policy = Policies.Manager)]
public sealed class IndexModel(SmartbisDb db, CurrentStaff staff) : PageModel
{
    public Checklist.State State { get; private set; } = null!;
    public string JoinUrl { get; private set; } = "";
    public string BusinessName { get; private set; } = "";

    public async Task OnGetAsync()
    {
        State = await Checklist.LoadAsync(db, HttpContext.RequestAborted);
        JoinUrl = $"{Request.Scheme}://{Request.Host}/{staff.Tenant!.Slug}";
        BusinessName = staff.Tenant.Name;
    }

    public async Task<IActionResult> OnPostSharedAsync([FromServices] MarkJoinPageShared shared)
    {
        await shared.ExecuteAsync(HttpContext.RequestAborted);
        return Redirect("/app/welcome");
    }

    public async Task<IActionResult> OnPostDismissAsync([FromServices] DismissChecklist dismiss)
    {
        await dismiss.ExecuteAsync(HttpContext.RequestAborted);
        return Redirect("/app");
    }
}
