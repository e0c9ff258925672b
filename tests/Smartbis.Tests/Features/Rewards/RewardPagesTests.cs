using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Counter;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Rewards;

namespace Smartbis.Tests.Features.Rewards;

/// <summary>The dashboard's catalogue pages and the counter's redemption and hand-over, as staff use them.</summary>
public sealed class RewardPagesTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private async Task<CounterKit> PointsKitAsync(string slug)
    {
        var kit = await CounterKit.CreateAsync(fixture, slug, SampleRules.Plain(0));
        await using var scope = kit.Scope();
        await RewardsKit.UsePointsAsync(scope.Db);
        return kit;
    }

    private static async Task<Guid> AddRewardAsync(CounterKit kit, SaveReward.Request r)
    {
        await using var scope = kit.Scope();
        return await scope.Get<SaveReward>().ExecuteAsync(r, AuditActor.System);
    }

    private async Task<Guid> MemberWithPointsAsync(CounterKit kit, long points)
    {
        var (id, _) = await kit.EnrollAsync("Ana Pontos");
        await using var scope = kit.Scope();
        await scope.Get<AdjustBalance>().ExecuteAsync(new AdjustBalance.Request(id, points, "Opening points", kit.Tenant.Owner.UserId, LedgerTestKit.NewKey()));
        return id;
    }

    [Fact]
    public async Task The_merchant_adds_a_reward_with_field_messages_for_bad_input_and_the_pages_are_for_managers_of_this_tenant_only()
    {
        var kit = await PointsKitAsync("rewards-dash");
        var other = await PointsKitAsync("rewards-dash-other");
        var foreign = await AddRewardAsync(other, RewardsKit.Reward("Foreign mug"));
        using var owner = await kit.SignInAsync(kit.Tenant.Owner);
        var before = await kit.DbAsync(db => db.Set<AuditEntry>().CountAsync());

        using (var bad = await owner.SubmitAsync("/app/rewards/new", new Dictionary<string, string>
        {
            ["Input.Name"] = "", ["Input.CostPoints"] = "abc", ["Input.Kind"] = "Voucher", ["Input.Value"] = "",
            ["Input.ImageUrl"] = "javascript:alert(1)", ["Input.ClaimDays"] = "30", ["Input.AllStores"] = "true",
            ["Input.ReturnPointsOnExpiry"] = "true",
        }))
        {
            bad.StatusCode.Should().Be(HttpStatusCode.OK);
            var html = WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync());
            html.Should().Contain("Digite o nome do prêmio").And.Contain("Digite o custo em pontos").And.Contain("Digite o valor do vale")
                .And.Contain("começando com https://");
        }
        (await kit.DbAsync(db => db.Rewards.CountAsync())).Should().Be(0);
        (await kit.DbAsync(db => db.Set<AuditEntry>().CountAsync())).Should().Be(before);

        using (var good = await owner.SubmitAsync("/app/rewards/new", new Dictionary<string, string>
        {
            ["Input.Name"] = "Vale R$ 10", ["Input.CostPoints"] = "1.500", ["Input.Kind"] = "Voucher", ["Input.Value"] = "10,00",
            ["Input.Stock"] = "20", ["Input.ClaimDays"] = "15", ["Input.AllStores"] = "true", ["Input.ReturnPointsOnExpiry"] = "false",
            ["Input.EndsOn"] = "2099-12-31",
        }))
        {
            good.StatusCode.Should().Be(HttpStatusCode.Redirect);
        }
        var saved = await kit.DbAsync(db => db.Rewards.AsNoTracking().SingleAsync());
        saved.Should().Match<Reward>(r => r.CostPoints == 1500 && r.ValueCents == 10_00 && r.Stock == 20 && r.ClaimDays == 15 && !r.ReturnPointsOnExpiry);
        (await kit.DbAsync(db => db.Set<AuditEntry>().CountAsync(a => a.Action == "reward.created"))).Should().Be(1);

        // GET changes nothing; another tenant's reward is not found; a cashier may not manage the catalogue.
        var counts = await kit.DbAsync(async db => (await db.Rewards.CountAsync(), await db.Set<AuditEntry>().CountAsync()));
        (await owner.GetPageAsync("/app/rewards")).Should().Contain("Vale R$ 10");
        await owner.GetPageAsync($"/app/rewards/{saved.Id}");
        (await kit.DbAsync(async db => (await db.Rewards.CountAsync(), await db.Set<AuditEntry>().CountAsync()))).Should().Be(counts);
        using (var notMine = await owner.GetAsync($"/app/rewards/{foreign}")) notMine.StatusCode.Should().Be(HttpStatusCode.NotFound);
        using (var archiveForeign = await owner.SubmitAsync("/app/rewards", new Dictionary<string, string> { ["id"] = foreign.ToString(), ["archive"] = "true" },
                   "/app/rewards?handler=Archive"))
            archiveForeign.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.DbAsync(db => db.Rewards.SingleAsync())).ArchivedAt.Should().BeNull();
        using var cashier = await kit.SignInAsync(kit.Tenant.Cashier);
        using (var forbidden = await cashier.GetAsync("/app/rewards")) forbidden.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_cashier_redeems_a_reward_for_the_customer_once_and_hands_it_over_with_its_code()
    {
        var kit = await PointsKitAsync("rewards-counter");
        var customer = await MemberWithPointsAsync(kit, 1000);
        var coffee = await AddRewardAsync(kit, RewardsKit.Reward("Café expresso", 300));
        await AddRewardAsync(kit, RewardsKit.Reward("Cesta de frios", 3000));
        using var cashier = await kit.SignInAsync(kit.Tenant.Cashier);

        var card = WebUtility.HtmlDecode(await cashier.GetPageAsync($"/counter?c={customer}"));
        card.Should().Contain("data-testid=\"card-rewards\"").And.Contain("Café expresso").And.NotContain("Cesta de frios", "only what they can afford is on the card");
        var confirm = await cashier.GetPageAsync($"/counter/rewards?c={customer}&r={coffee}");
        confirm.Should().Contain("data-testid=\"confirm\"");
        (await kit.DbAsync(db => db.RewardClaims.CountAsync())).Should().Be(0, "opening the confirmation redeems nothing");
        var key = System.Text.RegularExpressions.Regex.Match(confirm, "name=\"key\" value=\"([^\"]+)\"").Groups[1].Value;
        var fields = new Dictionary<string, string> { ["rewardId"] = coffee.ToString(), ["key"] = key };
        using var first = await cashier.SubmitAsync($"/counter/rewards?c={customer}&r={coffee}", fields, $"/counter/rewards?c={customer}&handler=Redeem");
        using var again = await cashier.SubmitAsync($"/counter/rewards?c={customer}&r={coffee}", fields, $"/counter/rewards?c={customer}&handler=Redeem");

        first.StatusCode.Should().Be(HttpStatusCode.Redirect);
        again.Headers.Location.Should().Be(first.Headers.Location, "the same form posted twice is one redemption");
        var claim = await kit.DbAsync(db => db.RewardClaims.AsNoTracking().SingleAsync());
        claim.Channel.Should().Be("counter");
        claim.RedeemedStoreId.Should().Be(kit.Tenant.StoreId);
        (await kit.BalancesAsync(customer)).AvailableCents.Should().Be(700);
        (await cashier.GetPageAsync(first.Headers.Location!.OriginalString)).Should().Contain(Smartbis.Web.Infrastructure.Codes.Display(claim.Code));

        using var delivered = await cashier.SubmitAsync("/counter/rewards", new Dictionary<string, string> { ["Code"] = claim.Code.ToLowerInvariant() },
            "/counter/rewards?handler=Deliver");
        delivered.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await kit.DbAsync(db => db.RewardClaims.SingleAsync())).Status.Should().Be(ClaimStatus.Delivered);
        using var twice = await cashier.SubmitAsync("/counter/rewards", new Dictionary<string, string> { ["Code"] = claim.Code }, "/counter/rewards?handler=Deliver");
        twice.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        WebUtility.HtmlDecode(await twice.Content.ReadAsStringAsync()).Should().Contain("já foi entregue");
    }
}
