using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Pages.App;

/// <summary>A user with memberships in several businesses chooses which one to work in.</summary>
public sealed class SwitchModel(SmartbisDb db, SignInManager<AppUser> signIn, TenantContext tenant) : PageModel
{
    public sealed record Choice(Guid TenantId, string Name, StaffRole Role, bool Current);

    public List<Choice> Choices { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var userId = User.FindFirstValue(ClaimTypes.NameIdentifier)!;
        // Crosses tenants on purpose: only this user's own memberships.
        var current = tenant.TenantId;
        Choices = await CrossTenantRead.RunAsync(db, CrossTenantPurpose.StaffMemberships, () => db.Memberships.IgnoreQueryFilters()
            .Where(m => m.UserId == userId)
            .Join(db.Tenants, m => m.TenantId, t => t.Id, (m, t) => new { t.Id, t.Name, m.Role })
            // Ordered before the projection: EF cannot order by a property of a constructed record (this page was a 500).
            .OrderBy(c => c.Name)
            .Select(c => new Choice(c.Id, c.Name, c.Role, c.Id == current))
            .ToListAsync());
    }

    public async Task<IActionResult> OnPostAsync(Guid tenantId)
    {
        var userId = User.FindFirstValue(ClaimTypes.NameIdentifier)!;
        var (membership, _) = await StaffTenantMiddleware.FindMembershipAsync(db, userId, tenantId, HttpContext.RequestAborted);
        if (membership?.TenantId != tenantId) return NotFound();
        var user = await signIn.UserManager.FindByIdAsync(userId);
        if (user is null) return NotFound();
        await signIn.SignInWithClaimsAsync(user, isPersistent: false, [new Claim(StaffClaims.Tenant, tenantId.ToString())]);
        return Redirect(membership.Role == StaffRole.Cashier ? "/counter" : "/app");
    }
}
