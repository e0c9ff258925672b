using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Campaigns;
using Smartbis.Web.Features.Segments;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Pages.App.Campaigns;

/// <summary>/app/campaigns: every campaign with its audience, channels, status, time and size. Owners and managers.</summary>
[Authorize(Policy = Policies.Manager)]
public sealed class IndexModel(SmartbisDb db, CurrentStaff staff) : PageModel
{
    public List<Campaign> Campaigns { get; private set; } = [];
    public Dictionary<Guid, string> Tags { get; private set; } = [];
    public Tenant Tenant => staff.Tenant!;
    public TimeZoneInfo Zone => TimeZoneInfo.TryFindSystemTimeZoneById(Tenant.TimeZone, out var z) ? z : TimeZoneInfo.Utc;

    public async Task OnGetAsync()
    {
        Campaigns = await db.Set<Campaign>().AsNoTracking().OrderByDescending(c => c.CreatedAt).Take(200).ToListAsync(HttpContext.RequestAborted);
        Tags = await db.Set<Tag>().AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, HttpContext.RequestAborted);
    }
}
