using System.Net;
using System.Text.Json;
using Smartbis.Tests.Features;
using Smartbis.Tests.Features.Rewards;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Integrations;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Rewards;

namespace Smartbis.Tests.Api;

/// <summary>GET /api/v1/rewards and POST /api/v1/customers/{id}/rewards/{rewardId}/redeem (docs/api.md, "Rewards").</summary>
public sealed class RewardsApiTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    private async Task<TestTenant> PointsShopAsync()
    {
        var shop = await NewTenantAsync(SampleRules.Plain(0));
        await shop.UsePointsAsync();
        return shop;
    }

    [Fact]
    public async Task The_catalogue_lists_rewards_not_archived_and_reading_it_changes_nothing()
    {
        var shop = await PointsShopAsync();
        var coffee = await shop.AddRewardAsync("Free coffee", cost: 100, stock: 3);
        var gone = await shop.AddRewardAsync("Old pen", cost: 50);
        await shop.RunAsync<ArchiveReward, int>(async a => { await a.ExecuteAsync(gone, true, Smartbis.Web.Features.Audit.AuditActor.System); return 0; });
        var api = Fixture.ApiClient(await shop.CreateKeyAsync(shop.StoreId));
        var before = await shop.RowCountsAsync();

        var page = await (await api.GetAsync("/api/v1/rewards")).JsonAsync(HttpStatusCode.OK);

        var item = page.GetProperty("items").EnumerateArray().Should().ContainSingle().Subject;
        item.Id().Should().Be(coffee);
        item.GetProperty("costPoints").GetInt64().Should().Be(100);
        item.GetProperty("stock").GetInt32().Should().Be(3);
        item.GetProperty("kind").GetString().Should().Be("product");
        item.GetProperty("availability").GetString().Should().Be("available");
        (await shop.RowCountsAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Redeem_answers_201_with_the_claim_and_a_replay_with_the_same_key_is_identical_and_spends_once()
    {
        var shop = await PointsShopAsync();
        var ana = await shop.MemberWithPointsAsync(500);
        var coffee = await shop.AddRewardAsync("Free coffee", cost: 120);
        var api = Fixture.ApiClient(await shop.CreateKeyAsync(shop.StoreId));
        var key = Guid.NewGuid().ToString();
        var url = $"/api/v1/customers/{ana}/rewards/{coffee}/redeem";

        var first = await api.PostJsonAsync(url, null, key);
        var firstBody = await first.JsonAsync(HttpStatusCode.Created);
        var again = await api.PostJsonAsync(url, null, key);
        var againBody = await again.JsonAsync(HttpStatusCode.Created);

        firstBody.GetProperty("code").GetString().Should().MatchRegex("^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$");
        firstBody.GetProperty("balance").Cents("availableCents").Should().Be(380);
        firstBody.GetProperty("status").GetString().Should().Be("claimed");
        JsonSerializer.Serialize(againBody).Should().Be(JsonSerializer.Serialize(firstBody));
        again.Headers.GetValues("Idempotent-Replayed").Should().Equal("true");
        first.Headers.Contains("Idempotent-Replayed").Should().BeFalse();
        (await shop.ClaimsAsync(ana)).Should().ContainSingle();
        (await shop.EntriesAsync(ana)).Count(e => e.Kind == EntryKind.RewardRedeem).Should().Be(1);
        var tea = await shop.AddRewardAsync("Free tea", cost: 10);
        (await (await api.PostJsonAsync($"/api/v1/customers/{ana}/rewards/{tea}/redeem", null, key)).ProblemAsync(HttpStatusCode.UnprocessableEntity))
            .GetProperty("code").GetString().Should().Be("idempotency_key_reused", "same key, another request");
        await (await api.PostRawAsync(url, null, null)).ProblemAsync(HttpStatusCode.BadRequest, "Idempotency-Key");
    }

    [Fact]
    public async Task Refusals_are_problems_with_their_code()
    {
        var shop = await PointsShopAsync();
        var beach = await shop.AddStoreAsync("Beach");
        var ana = await shop.MemberWithPointsAsync(100);
        var api = Fixture.ApiClient(await shop.CreateKeyAsync(shop.StoreId));
        async Task<string> CodeOf(Guid reward, HttpStatusCode status) =>
            (await (await api.PostJsonAsync($"/api/v1/customers/{ana}/rewards/{reward}/redeem", null)).ProblemAsync(status)).GetProperty("code").GetString()!;

        (await CodeOf(await shop.AddRewardAsync("Blender", cost: 1000), HttpStatusCode.UnprocessableEntity)).Should().Be("not_enough_points");
        (await CodeOf(await shop.AddRewardAsync("Umbrella", cost: 10, stock: 0), HttpStatusCode.Conflict)).Should().Be("out_of_stock");
        (await CodeOf(await shop.AddRewardAsync("Towel", cost: 10, stores: [beach]), HttpStatusCode.UnprocessableEntity)).Should().Be("not_available");
        var once = await shop.AddRewardAsync("Mug", cost: 10, limit: 1);
        await (await api.PostJsonAsync($"/api/v1/customers/{ana}/rewards/{once}/redeem", null)).JsonAsync(HttpStatusCode.Created);
        (await CodeOf(once, HttpStatusCode.Conflict)).Should().Be("limit_reached");
        var late = await shop.SaveRewardAsync(RewardsKit.Reward("Hat", 10, endsOn: DateOnly.FromDateTime(shop.Now.UtcDateTime).AddDays(-3)));
        (await CodeOf(late, HttpStatusCode.UnprocessableEntity)).Should().Be("not_available");
        (await shop.ClaimsAsync(ana)).Should().ContainSingle();
    }

    [Fact]
    public async Task Another_tenants_reward_or_customer_is_404_and_nothing_changes()
    {
        var a = await PointsShopAsync();
        var b = await PointsShopAsync();
        var aCustomer = await a.MemberWithPointsAsync(1000);
        var aReward = await a.AddRewardAsync(cost: 10);
        var bCustomer = await b.MemberWithPointsAsync(1000);
        var bReward = await b.AddRewardAsync(cost: 10);
        var apiB = Fixture.ApiClient(await b.CreateKeyAsync(b.StoreId));
        var before = (await a.RowCountsAsync(), await b.RowCountsAsync());

        await (await apiB.PostJsonAsync($"/api/v1/customers/{bCustomer}/rewards/{aReward}/redeem", null)).ProblemAsync(HttpStatusCode.NotFound);
        await (await apiB.PostJsonAsync($"/api/v1/customers/{aCustomer}/rewards/{bReward}/redeem", null)).ProblemAsync(HttpStatusCode.NotFound);
        var listed = await (await apiB.GetAsync("/api/v1/rewards")).JsonAsync(HttpStatusCode.OK);
        listed.GetProperty("items").EnumerateArray().Select(i => i.Id()).Should().Equal(bReward);

        (await a.RowCountsAsync(), await b.RowCountsAsync()).Should().Be(before);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_catalogue_and_webhooks_can_subscribe_to_reward_redeemed()
    {
        var doc = await (await Fixture.App.CreateClient().GetAsync("/openapi/v1.json")).JsonAsync(HttpStatusCode.OK);
        var paths = doc.GetProperty("paths");
        paths.GetProperty("/api/v1/rewards").TryGetProperty("get", out _).Should().BeTrue();
        var redeem = paths.GetProperty("/api/v1/customers/{id}/rewards/{rewardId}/redeem").GetProperty("post");
        redeem.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).Should().Contain("Idempotency-Key");
        redeem.GetProperty("responses").TryGetProperty("409", out _).Should().BeTrue();
        WebhookSubscription.Supported.Should().Contain(RewardEvents.Redeemed);
    }
}
