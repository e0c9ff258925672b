using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Rewards;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;
using Smartbis.Web.Pages.App.Rewards;

namespace Smartbis.Web.Pages.Counter;

/// <summary>
/// Rewards at the counter: redeem one for the customer on the card (?c=customer; ?r=reward asks for confirmation, the
/// POST redeems with the form's idempotency key), and hand over a redeemed reward when the customer shows its code.
/// </summary>
public sealed class RewardsModel(SmartbisDb db, CurrentStaff staff, TimeProvider clock, IStringLocalizer<CounterText> l, IStringLocalizer<RewardsText> r)
    : CounterPage(db, staff, clock, l)
{
    public sealed record Customer(Guid Id, string Name, string CardCode);
    public sealed record JustRedeemed(string RewardName, string Code, DateTimeOffset ExpiresAt);

    [BindProperty(SupportsGet = true, Name = "c")] public Guid? CustomerId { get; set; }
    [BindProperty(SupportsGet = true, Name = "r")] public Guid? ConfirmRewardId { get; set; }
    [BindProperty(SupportsGet = true, Name = "claim")] public Guid? ClaimId { get; set; }
    [BindProperty(SupportsGet = true, Name = "delivered")] public string? DeliveredName { get; set; }
    [BindProperty] public string? Code { get; set; }

    public IStringLocalizer<RewardsText> R => r;
    public Customer? Member { get; private set; }
    public RewardCatalogue.View? Catalogue { get; private set; }
    public RewardCatalogue.Item? Confirming { get; private set; }
    public JustRedeemed? Redeemed { get; private set; }
    public string IdempotencyKey { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadStoreAsync();
        if (Store is null) return Redirect("/counter");
        if (!await LoadAsync()) return NotFound();
        return Page();
    }

    public async Task<IActionResult> OnPostRedeemAsync(Guid rewardId, string? key, [FromServices] RedeemReward redeem)
    {
        await LoadStoreAsync();
        if (Store is null) return Redirect("/counter");
        if (CustomerId is not { } customerId || !await Db.Customers.AnyAsync(c => c.Id == customerId)) return NotFound();
        try
        {
            var done = await redeem.ExecuteAsync(new RedeemReward.Request(customerId, rewardId, key ?? "", "counter", Store.Id),
                AuditActor.From(HttpContext, Staff) with { StoreId = Store.Id }, HttpContext.RequestAborted);
            return Redirect($"/counter/rewards?c={customerId}&claim={done.Value.ClaimId}");
        }
        catch (OperationFailed e) when (e.Status != 404)
        {
            foreach (var m in ErrorTexts.All(e, HttpContext)) ModelState.AddModelError("", m);
            ConfirmRewardId = null;
            await LoadAsync();
            Response.StatusCode = 422;
            return Page();
        }
    }

    public async Task<IActionResult> OnPostDeliverAsync([FromServices] DeliverReward deliver)
    {
        await LoadStoreAsync();
        if (Store is null) return Redirect("/counter");
        try
        {
            var done = await deliver.ExecuteAsync(Code ?? "", Store.Id, AuditActor.From(HttpContext, Staff), HttpContext.RequestAborted);
            return Redirect($"/counter/rewards?c={done.CustomerId}&delivered={Uri.EscapeDataString(done.RewardName)}");
        }
        catch (OperationFailed e)
        {
            foreach (var m in ErrorTexts.All(e, HttpContext)) ModelState.AddModelError(nameof(Code), m);
            await LoadAsync();
            Response.StatusCode = e.Status == 404 ? 404 : 422;
            return Page();
        }
    }

    /// <summary>The customer, their catalogue at this store and what was just redeemed; false for a customer not of this tenant.</summary>
    private async Task<bool> LoadAsync()
    {
        IdempotencyKey = NewKey();
        if (CustomerId is not { } id) return true;
        Member = await Db.Customers.Where(c => c.Id == id).Select(c => new Customer(c.Id, c.Name, c.CardCode)).SingleOrDefaultAsync();
        if (Member is null) return false;
        var now = Clock.GetUtcNow();
        Catalogue = await RewardCatalogue.ForCustomerAsync(Db, id, now, Store!.Id);
        Confirming = ConfirmRewardId is { } rid ? Catalogue.Items.FirstOrDefault(i => i.Reward.Id == rid && i.CanRedeem(Catalogue.Spendable)) : null;
        if (ClaimId is { } claimId)
            Redeemed = await Db.RewardClaims.Where(c => c.Id == claimId && c.CustomerId == id)
                .Select(c => new JustRedeemed(c.RewardName, c.Code, c.ExpiresAt)).SingleOrDefaultAsync();
        return true;
    }

    public string Pts(long points) => RewardUnits.Format(points, RewardType.Points, CurrencyName, CurrencyCode, Locale);
}
