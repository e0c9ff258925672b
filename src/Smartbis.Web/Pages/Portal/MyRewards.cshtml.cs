using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Rewards;
using Smartbis.Web.Pages.App.Rewards;

namespace Smartbis.Web.Pages.Portal;

/// <summary>The member's redeemed rewards: codes with QR to show at the counter (until they expire), then delivered or expired ones.</summary>
public sealed class MyRewardsModel(SmartbisDb db, TimeProvider clock) : PortalPage
{
    public sealed record Row(Guid Id, string Name, string Code, long CostPoints, ClaimStatus Status, DateTimeOffset ClaimedAt, DateTimeOffset ExpiresAt,
        DateTimeOffset? DeliveredAt, long ReturnedPoints, RewardKind Kind, long? ValueCents, IReadOnlyList<string> Stores);

    public List<Row> Rows { get; private set; } = [];
    public Guid? Highlight { get; private set; }
    public DateTimeOffset Now { get; private set; }
    public IStringLocalizer<RewardsText> R => HttpContext.RequestServices.GetRequiredService<IStringLocalizer<RewardsText>>();

    public async Task<IActionResult> OnGetAsync(Guid? claim = null)
    {
        if (!await LoadAsync(db)) return NotFound();
        if (CustomerId is not { } me) return ToSignIn();
        ViewData["PortalNav"] = "rewards";
        Now = clock.GetUtcNow();
        Highlight = claim;
        var stores = await db.Stores.ToDictionaryAsync(s => s.Id, s => s.Name);
        var rows = await (from c in db.RewardClaims.AsNoTracking().Where(c => c.CustomerId == me)
                          join r in db.Rewards on c.RewardId equals r.Id
                          orderby c.ClaimedAt descending
                          select new { c, r.Kind, r.ValueCents, r.StoreIds }).Take(100).ToListAsync();
        Rows = rows.Select(x => new Row(x.c.Id, x.c.RewardName, x.c.Code, x.c.CostPoints, x.c.Status, x.c.ClaimedAt, x.c.ExpiresAt, x.c.DeliveredAt,
            x.c.ReturnedPoints, x.Kind, x.ValueCents, x.StoreIds.Select(id => stores.GetValueOrDefault(id, "")).ToList())).ToList();
        return Page();
    }

    public string Pts(long points) => Features.Programs.RewardUnits.Format(points, Features.Programs.RewardType.Points, Tenant);
}
