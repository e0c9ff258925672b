using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Rewards;

namespace Smartbis.Tests.Features.Rewards;

/// <summary>A redemption spends points through the ledger once, holds the reward's rules, and changes nothing when refused.</summary>
public sealed class RedeemRewardTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    private async Task<TestTenant> PointsShopAsync()
    {
        var shop = await NewTenantAsync(SampleRules.Plain(0));
        await shop.UsePointsAsync();
        return shop;
    }

    [Fact]
    public async Task A_redemption_spends_the_points_of_the_lot_that_expires_first_in_one_entry_with_a_claim_code_stock_event_and_audit()
    {
        var shop = await PointsShopAsync();
        var ana = await shop.EnrollAsync("Ana Souza");
        await shop.AdjustAsync(ana, 300, "First points");
        Clock.Advance(TimeSpan.FromHours(1));
        await shop.AdjustAsync(ana, 200, "Later points");
        var coffee = await shop.AddRewardAsync("Free coffee", cost: 350, stock: 5);

        var redeemed = await shop.RedeemRewardAsync(ana, coffee, source: "portal");

        redeemed.Replayed.Should().BeFalse();
        redeemed.Value.Balances.AvailableCents.Should().Be(150);
        redeemed.Value.Code.Should().MatchRegex("^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$");
        (await shop.BalancesAsync(ana)).AvailableCents.Should().Be(150);
        var lots = await shop.LotsAsync(ana);
        lots.Select(l => l.RemainingCents).Should().Equal(0, 150); // the older lot first (FIFO)
        var entries = (await shop.EntriesAsync(ana)).Where(e => e.Kind == EntryKind.RewardRedeem).ToList();
        entries.Should().ContainSingle().Which.AvailableDeltaCents.Should().Be(-350);
        var claim = (await shop.ClaimsAsync(ana)).Should().ContainSingle().Subject;
        claim.LedgerEntryId.Should().Be(entries[0].Id);
        claim.Status.Should().Be(ClaimStatus.Claimed);
        claim.ExpiresAt.Should().Be(shop.Now.AddDays(30));
        claim.Channel.Should().Be("portal");
        (await shop.RewardAsync(coffee)).Stock.Should().Be(4);
        var events = await shop.WithDbAsync(db => db.OutboxEvents.AsNoTracking().Where(e => e.Type == RewardEvents.Redeemed).ToListAsync());
        events.Should().ContainSingle().Which.SubjectId.Should().Be(claim.Id);
        var audit = await shop.WithDbAsync(db => db.Set<Smartbis.Web.Features.Audit.AuditEntry>().AsNoTracking().Where(a => a.Action == "reward.redeemed").ToListAsync());
        audit.Should().ContainSingle().Which.SubjectId.Should().Be(claim.Id.ToString());
    }

    [Fact]
    public async Task The_overview_counts_points_spent_on_rewards_as_redeemed()
    {
        var shop = await PointsShopAsync();
        var ana = await shop.MemberWithPointsAsync(1000);
        var coffee = await shop.AddRewardAsync(cost: 350);
        await shop.RedeemRewardAsync(ana, coffee);

        await using var scope = shop.Scope();
        await scope.Get<Smartbis.Web.Features.Reporting.RollUpDailyStats>().ExecuteAsync(shop.Id, true);
        var today = DateOnly.FromDateTime(Fixture.Clock.GetUtcNow().UtcDateTime);
        var overview = await shop.WithDbAsync(db => Smartbis.Web.Features.Reporting.Overview.LoadAsync(db, "UTC", today.AddDays(-1), today.AddDays(1), null));
        overview.Figures.RedeemedCents.Should().Be(350, "the points spent on the reward (the unit of a points program's columns is points)");
    }

    [Fact]
    public async Task The_same_key_replays_the_first_claim_and_spends_once()
    {
        var shop = await PointsShopAsync();
        var ana = await shop.MemberWithPointsAsync(1000);
        var coffee = await shop.AddRewardAsync(cost: 100);
        var key = LedgerTestKit.NewKey();

        var first = await shop.RedeemRewardAsync(ana, coffee, key);
        var again = await shop.RedeemRewardAsync(ana, coffee, key);

        again.Replayed.Should().BeTrue();
        again.Value.Should().BeEquivalentTo(first.Value);
        (await shop.ClaimsAsync(ana)).Should().ContainSingle();
        (await shop.BalancesAsync(ana)).AvailableCents.Should().Be(900);
        await LedgerTestKit.ShouldFailAsync(() => shop.RedeemRewardAsync(ana, Guid.NewGuid(), key), "idempotency_key_reused");
    }

    [Fact]
    public async Task Refusals_say_why_and_change_nothing()
    {
        var shop = await PointsShopAsync();
        var other = await shop.AddStoreAsync("Beach store");
        var ana = await shop.MemberWithPointsAsync(250);
        var today = DateOnly.FromDateTime(shop.Now.UtcDateTime);
        var big = await shop.AddRewardAsync("Blender", cost: 1000);
        var once = await shop.AddRewardAsync("Welcome mug", cost: 10, limit: 1);
        var gone = await shop.AddRewardAsync("Last umbrella", cost: 10, stock: 0);
        var later = await shop.SaveRewardAsync(RewardsKit.Reward("Summer hat", 10, startsOn: today.AddDays(10)));
        var past = await shop.SaveRewardAsync(RewardsKit.Reward("Carnival mask", 10, startsOn: today.AddDays(-30), endsOn: today.AddDays(-2)));
        var beachOnly = await shop.AddRewardAsync("Beach towel", cost: 10, stores: [other]);
        var archived = await shop.AddRewardAsync("Old pen", cost: 10);
        await shop.RunAsync<ArchiveReward, int>(async a => { await a.ExecuteAsync(archived, true, Smartbis.Web.Features.Audit.AuditActor.System); return 0; });
        await shop.RedeemRewardAsync(ana, once);
        var before = (await shop.RowCountsAsync(), await shop.BalancesAsync(ana), await shop.ClaimsAsync());

        var poor = await LedgerTestKit.ShouldFailAsync(() => shop.RedeemRewardAsync(ana, big), "not_enough_points");
        poor.Errors["rewardId"].Single().Should().Contain("1000").And.Contain("240").And.Contain("760");
        (await LedgerTestKit.ShouldFailAsync(() => shop.RedeemRewardAsync(ana, once), "limit_reached")).Status.Should().Be(409);
        (await LedgerTestKit.ShouldFailAsync(() => shop.RedeemRewardAsync(ana, gone), "out_of_stock")).Status.Should().Be(409);
        await LedgerTestKit.ShouldFailAsync(() => shop.RedeemRewardAsync(ana, later), "not_available");
        await LedgerTestKit.ShouldFailAsync(() => shop.RedeemRewardAsync(ana, past), "not_available");
        await LedgerTestKit.ShouldFailAsync(() => shop.RedeemRewardAsync(ana, archived), "not_available");
        await LedgerTestKit.ShouldFailAsync(() => shop.RedeemRewardAsync(ana, beachOnly, storeId: shop.StoreId), "not_available");
        (await LedgerTestKit.ShouldFailAsync(() => shop.RedeemRewardAsync(ana, Guid.NewGuid()), "not_found")).Status.Should().Be(404);

        (await shop.RowCountsAsync(), await shop.BalancesAsync(ana), await shop.ClaimsAsync()).Should().BeEquivalentTo(before);
        // At the store it belongs to, the beach towel is fine.
        (await shop.RedeemRewardAsync(ana, beachOnly, storeId: other)).Value.Balances.AvailableCents.Should().Be(230);
    }

    [Fact]
    public async Task A_cashback_program_has_no_catalogue_and_another_tenants_reward_is_not_found()
    {
        var cashback = await NewTenantAsync(SampleRules.Plain(0));
        var ana = await cashback.MemberWithPointsAsync(10_000);
        var reward = await cashback.AddRewardAsync(cost: 100);
        await LedgerTestKit.ShouldFailAsync(() => cashback.RedeemRewardAsync(ana, reward), "catalogue_needs_points");

        var other = await PointsShopAsync();
        var bia = await other.MemberWithPointsAsync(10_000);
        (await LedgerTestKit.ShouldFailAsync(() => other.RedeemRewardAsync(bia, reward), "not_found")).Status.Should().Be(404);
        var otherReward = await other.AddRewardAsync(cost: 1);
        (await LedgerTestKit.ShouldFailAsync(() => other.RedeemRewardAsync(ana, otherReward), "not_found")).Status.Should().Be(404);
        (await other.ClaimsAsync()).Should().BeEmpty();
        (await cashback.ClaimsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Points_past_their_expiry_cannot_be_spent_on_a_reward()
    {
        var rules = SampleRules.Plain(0);
        rules.ExpiryDays = 10;
        var shop = await NewTenantAsync(rules);
        await shop.UsePointsAsync();
        var ana = await shop.MemberWithPointsAsync(500);
        var coffee = await shop.AddRewardAsync(cost: 100);
        Clock.Advance(TimeSpan.FromDays(11));

        await LedgerTestKit.ShouldFailAsync(() => shop.RedeemRewardAsync(ana, coffee), "not_enough_points");
        (await shop.BalancesAsync(ana)).AvailableCents.Should().Be(500, "the refusal rolled back the expiry it saw too (the job expires it)");
    }
}
