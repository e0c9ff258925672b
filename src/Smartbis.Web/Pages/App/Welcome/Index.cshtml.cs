using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Onboarding;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Pages.App.Welcome;

/// <summary>The onboarding checklist a new owner lands on after sign-up.</summary>
[Authorize(Policy = Policies.Manager)]
public sealed class IndexModel(SmartbisDb db, CurrentStaff staff, TimeProvider clock) : PageModel
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

    public async Task<IActionResult> OnPostSharedAsync()
    {
        var progress = await Progress();
        progress.JoinPageSharedAt ??= clock.GetUtcNow();
        await db.SaveChangesAsync();
        return Redirect("/app/welcome");
    }

    public async Task<IActionResult> OnPostDismissAsync()
    {
        var progress = await Progress();
        progress.DismissedAt = clock.GetUtcNow();
        await db.SaveChangesAsync();
        return Redirect("/app");
    }

    // Tenants created before the checklist existed (demo seed) get their row on first use.
    private async Task<OnboardingProgress> Progress()
    {
        var progress = await db.OnboardingProgress.SingleOrDefaultAsync();
        if (progress is null) db.OnboardingProgress.Add(progress = new OnboardingProgress());
        return progress;
    }
}
