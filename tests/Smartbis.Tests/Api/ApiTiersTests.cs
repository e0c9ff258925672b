using System.Net;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Challenges;
using Smartbis.Web.Features.Tiers;

namespace Smartbis.Tests.Api;

/// <summary>GET /api/v1/customers/{id} and the lookup carry the customer's tier and challenge progress.</summary>
public sealed class ApiTiersTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    [Fact]
    public async Task The_customer_shows_their_tier_and_challenge_progress()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var api = Fixture.ApiClient(await t.CreateKeyAsync());
        var c = await t.EnrollAsync();

        var before = await (await api.GetAsync($"/api/v1/customers/{c}")).JsonAsync(HttpStatusCode.OK);
        before.GetProperty("tier").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null, "no tiers yet");
        before.GetProperty("challenges").GetArrayLength().Should().Be(0);

        await t.RunAsync<SaveTierProgram, TierProgram>(s => s.ExecuteAsync(new SaveTierProgram.Request(true, TierMeasure.Spend, 12, ReviewPeriod.Quarterly, 14,
            [new TierLevel { Name = "Bronze" }, new TierLevel { Name = "Silver", Threshold = 100_00, MultiplierBps = 15_000, Perks = "Gift wrap" }]), null, AuditActor.System));
        var challenge = await t.RunAsync<SaveChallenge, Challenge>(s => s.ExecuteAsync(new SaveChallenge.Request(null, "Spend R$ 300 in March", null,
            ChallengeKind.Spend, 300_00, null, new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31), 10_00), AuditActor.System));
        await t.BuyAsync(c, 120_00);

        var after = await (await api.GetAsync($"/api/v1/customers/{c}")).JsonAsync(HttpStatusCode.OK);
        var tier = after.GetProperty("tier");
        tier.GetProperty("level").GetString().Should().Be("Silver");
        tier.GetProperty("multiplierBps").GetInt32().Should().Be(15_000);
        tier.GetProperty("measure").GetString().Should().Be("spend");
        tier.Cents("qualifying").Should().Be(120_00);
        tier.GetProperty("nextLevel").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
        var progress = after.GetProperty("challenges").EnumerateArray().Should().ContainSingle().Subject;
        progress.Id().Should().Be(challenge.Id);
        (tier.GetProperty("unit").GetString(), progress.GetProperty("unit").GetString()).Should().Be(("cents", "cents"));
        (progress.GetProperty("kind").GetString(), progress.Cents("target"), progress.Cents("progress"), progress.GetProperty("completed").GetBoolean())
            .Should().Be(("spend", 300_00L, 120_00L, false));
    }

    [Fact]
    public async Task A_points_program_names_the_unit_of_the_tier_amounts_and_the_challenge_bonus()
    {
        var t = await NewTenantAsync(SampleRules.Points(1));
        var api = Fixture.ApiClient(await t.CreateKeyAsync());
        var c = await t.EnrollAsync();
        await t.RunAsync<SaveTierProgram, TierProgram>(s => s.ExecuteAsync(new SaveTierProgram.Request(true, TierMeasure.PointsEarned, 12, ReviewPeriod.Quarterly, 14,
            [new TierLevel { Name = "Bronze" }, new TierLevel { Name = "Ouro", Threshold = 1000, MultiplierBps = 15_000 }]), null, AuditActor.System));
        await t.RunAsync<SaveChallenge, Challenge>(s => s.ExecuteAsync(new SaveChallenge.Request(null, "3 purchases in March", null,
            ChallengeKind.PurchaseCount, 3, null, new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31), 500), AuditActor.System));
        await t.BuyAsync(c, 120_00);

        var body = await (await api.GetAsync($"/api/v1/customers/{c}")).JsonAsync(HttpStatusCode.OK);
        var tier = body.GetProperty("tier");
        (tier.GetProperty("measure").GetString(), tier.Cents("qualifying"), tier.GetProperty("unit").GetString()).Should().Be(("points_earned", 120L, "points"));
        var progress = body.GetProperty("challenges").EnumerateArray().Should().ContainSingle().Subject;
        (progress.Cents("bonus"), progress.GetProperty("unit").GetString()).Should().Be((500L, "points"));
    }
}
