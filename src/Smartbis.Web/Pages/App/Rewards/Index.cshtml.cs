using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Rewards;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Pages.App.Rewards;

/// <summary>The reward catalogue (owners and managers): every reward with its cost, stock and redemptions; archive or restore.</summary>
[Authorize(Policy = Policies.Manager)]
public sealed class IndexModel(SmartbisDb db, CurrentStaff staff, TimeProvider clock) : PageModel
{
    public sealed record Row(Reward Reward, RewardAvailability Availability, int Redeemed, int Delivered, int Waiting);

    public List<Row> Rows { get; private set; } = [];
    public bool IsPointsProgram { get; private set; }
    public string UnitName => staff.Tenant?.CurrencyName ?? "";
    public string Locale => staff.Tenant?.Locale ?? "pt-BR";
    public string? Message { get; private set; }

    public async Task OnGetAsync(string? done = null)
    {
        var now = clock.GetUtcNow();
        IsPointsProgram = (await RulesInForce.FindAtAsync(db, now))?.RewardType == RewardType.Points;
        var rewards = await db.Rewards.AsNoTracking().OrderBy(r => r.ArchivedAt != null).ThenBy(r => r.CostPoints).ThenBy(r => r.Name).ToListAsync();
        var counts = await db.RewardClaims.GroupBy(c => new { c.RewardId, c.Status })
            .Select(g => new { g.Key.RewardId, g.Key.Status, Count = g.Count() }).ToListAsync();
        int Count(Guid id, ClaimStatus? s) => counts.Where(c => c.RewardId == id && (s is null || c.Status == s)).Sum(c => c.Count);
        Rows = rewards.Select(r => new Row(r, r.AvailabilityAt(now), Count(r.Id, null), Count(r.Id, ClaimStatus.Delivered), Count(r.Id, ClaimStatus.Claimed))).ToList();
        Message = done;
    }

    public async Task<IActionResult> OnPostArchiveAsync(Guid id, bool archive, [FromServices] ArchiveReward op)
    {
        await op.ExecuteAsync(id, archive, AuditActor.From(HttpContext, staff), HttpContext.RequestAborted); // another tenant's id: 404
        return Redirect("/app/rewards?done=" + (archive ? "archived" : "restored"));
    }

    public string Cost(long points) => Features.Programs.RewardUnits.Format(points, Features.Programs.RewardType.Points, UnitName, locale: Locale);
}
