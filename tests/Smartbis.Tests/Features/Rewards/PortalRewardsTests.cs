using System.Net;
using Smartbis.Tests.Infrastructure;
using Smartbis.Tests.Portal;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Tests.Features.Rewards;

/// <summary>The member's catalogue on the portal: affordable or how far, one confirmation, the code on "my rewards".</summary>
public sealed class PortalRewardsTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    // The member's cookie expires by the app's clock and the client's by the wall clock: keep them together.
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Clock.StartAt(new DateTimeOffset(DateTime.UtcNow.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero));
    }

    [Fact]
    public async Task A_member_sees_what_they_can_afford_redeems_with_one_confirmation_and_reopens_the_code()
    {
        var shop = await NewTenantAsync(SampleRules.Plain(0));
        await shop.UsePointsAsync();
        var ana = (await shop.JoinAsync(email: "ana.rewards@example.com", name: "Ana Rewards")).CustomerId;
        await shop.AdjustAsync(ana, 400, "Opening points");
        var coffee = await shop.AddRewardAsync("Café expresso", cost: 150);
        var basket = await shop.AddRewardAsync("Cesta de frios", cost: 1000);
        var other = await NewTenantAsync(SampleRules.Plain(0));
        await other.UsePointsAsync();
        var foreign = await other.AddRewardAsync("Foreign", cost: 1);
        using var client = Fixture.CreatePortalClient();
        (await client.SignInAsync(shop, ana, "ana.rewards@example.com")).StatusCode.Should().Be(HttpStatusCode.Redirect);

        var page = WebUtility.HtmlDecode(await client.GetPageAsync($"/{shop.Slug}/rewards"));
        page.Should().Contain("faltam 600", "the basket is 600 points away");
        page.Should().Contain($"/{shop.Slug}/rewards?confirm={coffee}");
        page.Should().NotContain($"confirm={basket}");
        (await client.GetPageAsync($"/{shop.Slug}/home")).Should().Contain($"/{shop.Slug}/rewards");

        var confirm = await client.GetPageAsync($"/{shop.Slug}/rewards?confirm={coffee}");
        (await shop.ClaimsAsync()).Should().BeEmpty("GET changes nothing");
        var key = System.Text.RegularExpressions.Regex.Match(confirm, "name=\"key\" value=\"([^\"]+)\"").Groups[1].Value;
        using var redeemed = await client.SubmitAsync($"/{shop.Slug}/rewards?confirm={coffee}",
            new Dictionary<string, string> { ["rewardId"] = coffee.ToString(), ["key"] = key }, $"/{shop.Slug}/rewards?handler=Redeem");

        redeemed.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var claim = (await shop.ClaimsAsync(ana)).Should().ContainSingle().Subject;
        claim.Channel.Should().Be("portal");
        redeemed.Headers.Location!.OriginalString.Should().Be($"/{shop.Slug}/rewards/mine?claim={claim.Id}");
        var mine = await client.GetPageAsync(redeemed.Headers.Location.OriginalString);
        mine.Should().Contain(Codes.Display(claim.Code)).And.Contain("data:image/png;base64,");
        (await shop.BalancesAsync(ana)).AvailableCents.Should().Be(250);

        // Too expensive, or another tenant's reward: refused, nothing spent.
        using var poor = await client.SubmitAsync($"/{shop.Slug}/rewards", new Dictionary<string, string> { ["rewardId"] = basket.ToString(), ["key"] = "k-1" },
            $"/{shop.Slug}/rewards?handler=Redeem");
        poor.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        WebUtility.HtmlDecode(await poor.Content.ReadAsStringAsync()).Should().Contain("Pontos insuficientes");
        using var notHere = await client.SubmitAsync($"/{shop.Slug}/rewards", new Dictionary<string, string> { ["rewardId"] = foreign.ToString(), ["key"] = "k-2" },
            $"/{shop.Slug}/rewards?handler=Redeem");
        notHere.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await shop.ClaimsAsync(ana)).Should().ContainSingle();
        (await other.ClaimsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_cashback_programs_portal_says_the_catalogue_needs_points()
    {
        var shop = await NewTenantAsync(SampleRules.Plain(0));
        var ana = (await shop.JoinAsync(email: "ana.cashback@example.com")).CustomerId;
        using var client = Fixture.CreatePortalClient();
        (await client.SignInAsync(shop, ana, "ana.cashback@example.com")).Dispose();
        (await client.GetPageAsync($"/{shop.Slug}/rewards")).Should().Contain("data-testid=\"needs-points\"");
        // Nothing leads a cashback member there: no catalogue link in the header or on the home page.
        (await client.GetPageAsync($"/{shop.Slug}/home")).Should().NotContain($"href=\"/{shop.Slug}/rewards\"");
    }
}
