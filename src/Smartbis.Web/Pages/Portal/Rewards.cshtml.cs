using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Rewards;
using Smartbis.Web.Infrastructure;
using Smartbis.Web.Pages.App.Rewards;

namespace Smartbis.Web.Pages.Portal;

/// <summary>
/// The catalogue for the member: what they can redeem now and how many points away the rest is; Redeem asks once
/// for confirmation (?confirm=id) and then posts; the code and its QR are on "my rewards".
/// </summary>
public sealed class RewardsModel(SmartbisDb db, TimeProvider clock) : PortalPage
{
    public bool IsPointsProgram { get; private set; }
    public long Available { get; private set; }
    public IReadOnlyList<RewardCatalogue.Item> Items { get; private set; } = [];
    public RewardCatalogue.Item? Confirming { get; private set; }
    public string IdempotencyKey { get; private set; } = "";
    public Dictionary<Guid, string> StoreNames { get; private set; } = [];
    public IStringLocalizer<RewardsText> R => HttpContext.RequestServices.GetRequiredService<IStringLocalizer<RewardsText>>();

    public async Task<IActionResult> OnGetAsync(Guid? confirm = null)
    {
        if (!await LoadAsync(db)) return NotFound();
        if (CustomerId is null) return ToSignIn();
        await LoadCatalogueAsync(confirm);
        return Page();
    }

    public async Task<IActionResult> OnPostRedeemAsync(Guid rewardId, string? key, [FromServices] RedeemReward redeem)
    {
        if (!await LoadAsync(db)) return NotFound();
        if (CustomerId is not { } me) return ToSignIn();
        try
        {
            var actor = new AuditActor(null, $"customer {CustomerName} (portal)", null, HttpContext.Connection.RemoteIpAddress?.ToString());
            var result = await redeem.ExecuteAsync(new RedeemReward.Request(me, rewardId, key ?? "", "portal"), actor, HttpContext.RequestAborted);
            return Redirect(Link("/rewards/mine?claim=" + result.Value.ClaimId));
        }
        catch (OperationFailed failed) when (failed.Status != 404)
        {
            foreach (var m in ErrorTexts.All(failed, HttpContext)) ModelState.AddModelError("", m);
            Response.StatusCode = 422;
            await LoadCatalogueAsync(null);
            return Page();
        }
    }

    private async Task LoadCatalogueAsync(Guid? confirm)
    {
        ViewData["PortalNav"] = "rewards";
        var me = CustomerId!.Value;
        var now = clock.GetUtcNow();
        var view = await RewardCatalogue.ForCustomerAsync(db, me, now);
        IsPointsProgram = view.IsPointsProgram;
        Available = view.Spendable;
        Items = view.Items;
        StoreNames = await db.Stores.ToDictionaryAsync(s => s.Id, s => s.Name);
        Confirming = confirm is { } id ? Items.FirstOrDefault(i => i.Reward.Id == id && i.CanRedeem(Available)) : null;
        IdempotencyKey = "portal-" + Guid.NewGuid().ToString("N"); // made with the form: a resubmission is the same redemption
    }

    public string Pts(long points) => Features.Programs.RewardUnits.Format(points, Features.Programs.RewardType.Points, Tenant);
}
