using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Staff;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.App.Staff;

/// <summary>
/// Staff: who works here with which role and store, pending invitations, invite by email, change role or store and
/// deactivate (owners; managers only for cashiers). Another tenant's ids are simply not found.
/// </summary>
[Authorize(Policy = Policies.Manager)]
public sealed class IndexModel(SmartbisDb db, CurrentStaff staff, InviteStaff invite, TimeProvider clock, IStringLocalizer<DashboardText> L) : PageModel
{
    public sealed record Member(Guid Id, string UserId, string? Email, string Name, StaffRole Role, Guid? StoreId, string? Store, DateTimeOffset Since);
    public sealed record Pending(Guid Id, string Email, StaffRole Role, string? Store, DateTimeOffset ExpiresAt);

    public sealed class InviteInput
    {
        public string Email { get; set; } = "";
        public StaffRole Role { get; set; } = StaffRole.Cashier;
        public Guid? StoreId { get; set; }
    }

    [BindProperty] public InviteInput Invite { get; set; } = new();
    public List<Member> Members { get; private set; } = [];
    public List<Pending> Invitations { get; private set; } = [];
    public List<(Guid Id, string Name)> Stores { get; private set; } = [];
    public string? Message { get; private set; }
    public bool IsOwner => staff.Role == StaffRole.Owner;
    /// <summary>The invitation was refused by the plan's staff limit: the form links to the plan page.</summary>
    public bool PlanLimited { get; private set; }

    public async Task OnGetAsync(string? done)
    {
        await LoadAsync();
        Message = done switch
        {
            "invited" => L["Invitation sent. The link works for 7 days."].Value,
            "updated" => L["Staff member updated."].Value,
            "removed" => L["Staff member deactivated: they can no longer sign in to this business."].Value,
            "revoked" => L["Invitation cancelled."].Value,
            _ => null,
        };
    }

    public async Task<IActionResult> OnPostInviteAsync()
    {
        try
        {
            var baseUrl = $"{Request.Scheme}://{Request.Host}";
            await invite.ExecuteAsync(new InviteStaff.Request(Invite.Email, Invite.Role, Invite.StoreId, staff.Role!.Value, baseUrl,
                System.Globalization.CultureInfo.CurrentUICulture.Name), AuditActor.From(HttpContext, staff), HttpContext.RequestAborted);
            return Redirect("/app/staff?done=invited");
        }
        catch (OperationFailed failed)
        {
            PlanLimited = Features.Plans.PlanLimits.IsPlanRefusal(failed);
            foreach (var (field, messages) in ErrorTexts.Render(failed, HttpContext))
                foreach (var m in messages) ModelState.AddModelError(field.Length == 0 ? "" : $"Invite.{field}", m);
            await LoadAsync();
            return Page();
        }
    }

    public async Task<IActionResult> OnPostUpdateAsync(Guid id, StaffRole role, Guid? storeId, [FromServices] ChangeStaffRole change) =>
        Answer(await change.ExecuteAsync(id, role, storeId, CurrentUserId ?? "", staff.Role!.Value, AuditActor.From(HttpContext, staff), HttpContext.RequestAborted),
            "/app/staff?done=updated");

    public async Task<IActionResult> OnPostRemoveAsync(Guid id, [FromServices] RemoveStaffMember remove) =>
        Answer(await remove.ExecuteAsync(id, CurrentUserId ?? "", staff.Role!.Value, AuditActor.From(HttpContext, staff), HttpContext.RequestAborted),
            "/app/staff?done=removed");

    private IActionResult Answer(StaffChange outcome, string done) => outcome switch
    {
        StaffChange.NotFound => NotFound(),
        StaffChange.Forbidden => Forbid(),
        _ => Redirect(done),
    };

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, [FromServices] CancelInvitation cancel) =>
        await cancel.ExecuteAsync(id, AuditActor.From(HttpContext, staff), HttpContext.RequestAborted) ? Redirect("/app/staff?done=revoked") : NotFound();

    private string? CurrentUserId => User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value;

    private async Task LoadAsync()
    {
        Stores = (await db.Stores.Where(s => s.Active).OrderBy(s => s.Name).Select(s => new { s.Id, s.Name }).ToListAsync()).Select(s => (s.Id, s.Name)).ToList();
        Members = await (from m in db.Memberships
                         join u in db.Users on m.UserId equals u.Id
                         join s in db.Stores on m.StoreId equals s.Id into ss
                         from s in ss.DefaultIfEmpty()
                         orderby m.Role, u.Email
                         select new Member(m.Id, m.UserId, u.Email, u.DisplayName, m.Role, m.StoreId, s.Name, m.CreatedAt)).ToListAsync();
        var now = clock.GetUtcNow();
        Invitations = await (from i in db.StaffInvitations.Where(i => i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
                             join s in db.Stores on i.StoreId equals s.Id into ss
                             from s in ss.DefaultIfEmpty()
                             orderby i.CreatedAt descending
                             select new Pending(i.Id, i.Email, i.Role, s.Name, i.ExpiresAt)).ToListAsync();
    }

    public string RoleName(StaffRole r) => r switch { StaffRole.Owner => L["Owner"], StaffRole.Manager => L["Manager"], _ => L["Cashier"] };
}
