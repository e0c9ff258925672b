using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Rewards;

namespace Smartbis.Tests.Features.Rewards;

/// <summary>An unclaimed reward expires with its points back or not, as the merchant chose; a claimed one is delivered once.</summary>
public sealed class RewardExpiryAndDeliveryTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    private async Task<TestTenant> PointsShopAsync(int? expiryDays = 90)
    {
        var rules = SampleRules.Plain(0);
        rules.ExpiryDays = expiryDays;
        var shop = await NewTenantAsync(rules);
        await shop.UsePointsAsync();
        return shop;
    }

    private static Task<DeliverReward.Result> DeliverAsync(TestTenant t, string code, Guid storeId) =>
        t.RunAsync<DeliverReward, DeliverReward.Result>(d => d.ExecuteAsync(code, storeId, AuditActor.System));

    [Fact]
    public async Task Unclaimed_rewards_expire_by_the_clock_with_points_back_as_a_new_lot_or_kept_and_a_second_run_does_nothing()
    {
        var shop = await PointsShopAsync(expiryDays: 90);
        var ana = await shop.MemberWithPointsAsync(1000);
        var back = await shop.AddRewardAsync("Tote bag", cost: 300, stock: 2, returnPoints: true, claimDays: 7);
        var kept = await shop.AddRewardAsync("Free check", cost: 200, returnPoints: false, claimDays: 7);
        var delivered = await shop.AddRewardAsync("Coffee", cost: 100, claimDays: 7);
        await shop.RedeemRewardAsync(ana, back);
        await shop.RedeemRewardAsync(ana, kept);
        var coffee = (await shop.RedeemRewardAsync(ana, delivered)).Value;
        await DeliverAsync(shop, coffee.Code, shop.StoreId);
        (await shop.BalancesAsync(ana)).AvailableCents.Should().Be(400);

        Clock.Advance(TimeSpan.FromDays(6));
        (await shop.ExpireClaimsAsync()).ClaimsExpired.Should().Be(0, "nothing is due before its date");
        Clock.Advance(TimeSpan.FromDays(1));
        var result = await shop.ExpireClaimsAsync();

        result.Should().Be(new ExpireRewardClaims.Result(2, 300));
        var claims = await shop.ClaimsAsync(ana);
        claims.Single(c => c.RewardId == back).Should().Match<RewardClaim>(c => c.Status == ClaimStatus.Expired && c.ReturnedPoints == 300);
        claims.Single(c => c.RewardId == kept).Should().Match<RewardClaim>(c => c.Status == ClaimStatus.Expired && c.ReturnedPoints == 0);
        claims.Single(c => c.RewardId == delivered).Status.Should().Be(ClaimStatus.Delivered);
        (await shop.BalancesAsync(ana)).AvailableCents.Should().Be(700);
        var returned = (await shop.EntriesAsync(ana)).Where(e => e.Kind == EntryKind.RewardReturn).Should().ContainSingle().Subject;
        returned.AvailableDeltaCents.Should().Be(300);
        returned.LotExpiresAt.Should().Be(shop.Now.AddDays(90), "returned points are a new lot that expires by the rules in force, from today");
        (await shop.LotsAsync(ana)).Should().Contain(l => l.Kind == EntryKind.RewardReturn && l.RemainingCents == 300);
        (await shop.RewardAsync(back)).Stock.Should().Be(2, "the unclaimed unit is back in stock");

        (await shop.ExpireClaimsAsync()).ClaimsExpired.Should().Be(0);
        (await shop.BalancesAsync(ana)).AvailableCents.Should().Be(700);
        await LedgerTestKit.ShouldFailAsync(() => DeliverAsync(shop, claims.Single(c => c.RewardId == back).Code, shop.StoreId), "reward_expired");
    }

    [Fact]
    public async Task A_code_is_delivered_once_at_a_store_where_the_reward_can_be_claimed()
    {
        var shop = await PointsShopAsync();
        var beach = await shop.AddStoreAsync("Beach");
        var ana = await shop.MemberWithPointsAsync(1000);
        var towel = await shop.AddRewardAsync("Beach towel", cost: 100, stores: [beach]);
        var claim = (await shop.RedeemRewardAsync(ana, towel)).Value;

        await LedgerTestKit.ShouldFailAsync(() => DeliverAsync(shop, claim.Code, shop.StoreId), "not_available");
        await LedgerTestKit.ShouldFailAsync(() => DeliverAsync(shop, "AAAA-AAAA-AAAA", beach), "not_found");
        var done = await DeliverAsync(shop, claim.Code.ToLowerInvariant().Replace("-", " "), beach);
        done.ClaimId.Should().Be(claim.ClaimId);
        (await LedgerTestKit.ShouldFailAsync(() => DeliverAsync(shop, claim.Code, beach), "reward_delivered")).Status.Should().Be(409);
        var stored = (await shop.ClaimsAsync(ana)).Single();
        stored.Status.Should().Be(ClaimStatus.Delivered);
        stored.DeliveredStoreId.Should().Be(beach);
        (await shop.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(a => a.Action == "reward.delivered"))).Should().Be(1);
        (await shop.BalancesAsync(ana)).AvailableCents.Should().Be(900, "delivery moves no points");
    }
}
