using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Counter;
using Smartbis.Tests.Infrastructure;
using Smartbis.Tests.Security;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Challenges;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Rewards;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Features.Tiers;

namespace Smartbis.Tests.Features.Rewards;

/// <summary>
/// A points merchant never sees money where points are meant: challenge bonuses, tier amounts, the counter's wording and
/// the default texts say "500 Pontos Teste", not "R$ 5,00"; a cashback merchant's pages stay as they were.
/// </summary>
public sealed class PointsWordingTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private const string Unit = "Pontos Teste";

    private async Task NameThePointsAsync(Guid tenantId)
    {
        await using var scope = fixture.CreateScope(tenantId);
        await scope.Db.Tenants.Where(t => t.Id == tenantId).ExecuteUpdateAsync(u => u.SetProperty(t => t.CurrencyName, Unit));
    }

    private static string Text(string html) => WebUtility.HtmlDecode(html);

    [Fact]
    public async Task A_points_program_shows_challenge_bonuses_and_tier_amounts_in_points_on_the_dashboard_and_the_portal()
    {
        var s = await SecurityKit.SeedAsync(fixture, "pw-points");
        await SecurityKit.SeedRewardsAsync(fixture, s, redeem: false); // a points program now; the seeded challenge's bonus is 500 (5_00)
        await NameThePointsAsync(s.Id);
        using var owner = fixture.CreateFormClient();
        (await owner.SignInAsync(s.T.Owner.Email, s.T.Owner.Password)).Dispose();

        var list = Text(await owner.GetPageAsync("/app/challenges"));
        Regex.Match(list, @"data-testid=""challenge-bonus"">([^<]*)<").Groups[1].Value.Should().Be($"+500 {Unit}");
        list.Should().NotContain("R$ 5,00");

        // The customers list: balances in points (a voucher, money, beside them).
        var customers = Text(await owner.GetPageAsync("/app/customers"));
        Regex.Matches(customers, @"data-testid=""customer-balance""[^>]*>([^<]*)<").Select(m => m.Groups[1].Value).Should().NotBeEmpty()
            .And.OnlyContain(b => b.Contains(Unit));

        // The form: the bonus in whole points, said so beside the field; "1.500" is 1 500 points, "12,50" is refused.
        var edit = Text(await owner.GetPageAsync($"/app/challenges/{s.ChallengeId}"));
        edit.Should().Contain($"Bônus em {Unit} inteiros").And.Contain("inputmode=\"numeric\"");
        Regex.Match(edit, @"name=""Input.Bonus""[^>]*value=""([^""]*)""").Groups[1].Value.Should().Be("500");
        var form = new Dictionary<string, string>
        {
            ["Input.Name"] = "Três compras", ["Input.Kind"] = "PurchaseCount", ["Input.Target"] = "3", ["Input.StoreId"] = "",
            ["Input.StartsOn"] = "2026-12-01", ["Input.EndsOn"] = "2026-12-31", ["Input.Bonus"] = "12,50",
        };
        using (var bad = await owner.SubmitAsync("/app/challenges/new", form))
        {
            bad.StatusCode.Should().Be(HttpStatusCode.OK);
            Text(await bad.Content.ReadAsStringAsync()).Should().Contain("Informe um número inteiro de pontos, como 500.");
        }
        using (var ok = await owner.SubmitAsync("/app/challenges/new", new Dictionary<string, string>(form) { ["Input.Bonus"] = "1.500" }))
            ok.StatusCode.Should().Be(HttpStatusCode.Redirect);
        await using (var scope = fixture.CreateScope(s.Id))
            (await scope.Db.Set<Challenge>().AsNoTracking().SingleAsync(c => c.Name == "Três compras")).Bonus.Should().Be(1500);

        // Tiers by points earned: thresholds typed and shown as whole points with the program's name.
        using (var tiers = await owner.SubmitAsync("/app/tiers", new Dictionary<string, string>
        {
            ["Input.Enabled"] = "true", ["Input.Measure"] = "PointsEarned", ["Input.WindowMonths"] = "12", ["Input.ReviewPeriod"] = "Quarterly",
            ["Input.ReminderDays"] = "14", ["Input.Levels[0].Name"] = "Bronze", ["Input.Levels[0].Threshold"] = "0", ["Input.Levels[0].Multiplier"] = "1",
            ["Input.Levels[1].Name"] = "Ouro", ["Input.Levels[1].Threshold"] = "1.000", ["Input.Levels[1].Multiplier"] = "1,5",
        }))
            tiers.StatusCode.Should().Be(HttpStatusCode.Redirect);
        await using (var scope = fixture.CreateScope(s.Id))
            (await scope.Db.Set<TierProgram>().AsNoTracking().SingleAsync()).Levels[1].Threshold.Should().Be(1000);
        var tiersPage = Text(await owner.GetPageAsync("/app/tiers"));
        tiersPage.Should().Contain($"Ouro 1.000 {Unit}").And.Contain($"{Unit} ganhos");
        Regex.Match(tiersPage, @"name=""Input.Levels\[1\].Threshold""[^>]*value=""([^""]*)""").Groups[1].Value.Should().Be("1000");

        // The member's portal: the challenge's bonus and the way to the next level in points.
        using var member = await SecurityKit.PortalClientAsync(fixture, s);
        var home = Text(await member.GetPageAsync($"/{s.Slug}/home"));
        Regex.Matches(home, @"data-testid=""challenge-bonus"">([^<]*)<").Select(m => m.Groups[1].Value).Should().Contain($"+500 {Unit}").And.Contain($"+1.500 {Unit}");
        Regex.Match(home, @"data-testid=""tier-next"">([^<]*)<").Groups[1].Value.Should().MatchRegex($@"^Faltam [\d.]+ {Unit} para chegar a Ouro$");
        home.Should().NotContain("+R$ 5,00");
    }

    [Fact]
    public async Task A_cashback_program_keeps_its_money_wording()
    {
        var s = await SecurityKit.SeedAsync(fixture, "pw-cashback");
        using var owner = fixture.CreateFormClient();
        (await owner.SignInAsync(s.T.Owner.Email, s.T.Owner.Password)).Dispose();
        Regex.Match(Text(await owner.GetPageAsync("/app/challenges")), @"data-testid=""challenge-bonus"">([^<]*)<").Groups[1].Value.Should().Be("+R$ 5,00");
        Text(await owner.GetPageAsync($"/app/challenges/{s.ChallengeId}")).Should().Contain("Bônus em R$, por exemplo 10,00.");

        var kit = await CounterKit.CreateAsync(fixture, "pw-counter-cash", SampleRules.Plain(500));
        var (customer, _) = await kit.EnrollAsync("Bia Cashback");
        using var cashier = await kit.SignInAsync(kit.Tenant.Cashier);
        var counter = Text(await cashier.GetPageAsync($"/counter?c={customer}"));
        Regex.Match(counter, @"data-testid=""f4-hint"">([^<]*)<").Groups[1].Value.Should().Be("Cashback máximo");
        counter.Should().NotContain("data-rewards-url=\"/", "F4 fills the most cashback usable");
    }

    [Fact]
    public async Task The_counter_speaks_of_the_program_points_and_F4_opens_the_customer_rewards()
    {
        var kit = await CounterKit.CreateAsync(fixture, "pw-counter-points", SampleRules.Plain(0));
        await using (var scope = kit.Scope()) await RewardsKit.UsePointsAsync(scope.Db);
        await NameThePointsAsync(kit.Id);
        var (customer, _) = await kit.EnrollAsync("Ana Pontos");
        using var cashier = await kit.SignInAsync(kit.Tenant.Cashier);

        var counter = Text(await cashier.GetPageAsync($"/counter?c={customer}"));
        Regex.Match(counter, @"data-testid=""f4-hint"">([^<]*)<").Groups[1].Value.Should().Be($"Trocar {Unit}");
        counter.Should().Contain($"data-rewards-url=\"/counter/rewards?c={customer}\"").And.NotContain("Cashback máximo");
        var enrol = Text(await cashier.GetPageAsync("/counter?enrol=true&q=11987654321"));
        enrol.Should().NotContain("sobre seu cashback");
    }

    [Fact]
    public async Task After_a_refused_redemption_or_hand_over_the_rewards_page_still_shows_the_same_customer_and_the_error()
    {
        var kit = await CounterKit.CreateAsync(fixture, "pw-rewards-keep", SampleRules.Plain(0));
        await using (var scope = kit.Scope()) await RewardsKit.UsePointsAsync(scope.Db);
        var (customer, _) = await kit.EnrollAsync("Ana Pontos");
        await using (var scope = kit.Scope())
        {
            await scope.Get<AdjustBalance>().ExecuteAsync(new AdjustBalance.Request(customer, 100, "Opening points", kit.Tenant.Owner.UserId, LedgerTestKit.NewKey()));
        }
        Guid basket;
        await using (var scope = kit.Scope())
            basket = await scope.Get<SaveReward>().ExecuteAsync(RewardsKit.Reward("Cesta de frios", 3000), AuditActor.System);
        using var cashier = await kit.SignInAsync(kit.Tenant.Cashier);

        // Refused: not enough points (the page was open before the balance fell short).
        var page = await cashier.GetPageAsync($"/counter/rewards?c={customer}");
        var key = Regex.Match(page, "name=\"key\" value=\"([^\"]+)\"").Groups[1].Value;
        using (var refused = await cashier.PostAsync($"/counter/rewards?handler=Redeem&c={customer}",
                   new Dictionary<string, string> { ["rewardId"] = basket.ToString(), ["key"] = key }, FormClient.FindAntiforgeryToken(page)))
        {
            refused.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
            var html = Text(await refused.Content.ReadAsStringAsync());
            Regex.Match(html, @"data-testid=""customer-name"">([^<]*)<").Groups[1].Value.Should().Be("Ana Pontos");
            html.Should().Contain("validation-summary-errors").And.Contain("data-testid=\"counter-catalogue\"");
        }

        // Refused: a code that is no claim. The hand-over form carries the customer on the page, so they stay.
        var shown = await cashier.GetPageAsync($"/counter/rewards?c={customer}");
        shown.Should().Contain($"name=\"c\" value=\"{customer}\"");
        using (var unknown = await cashier.PostAsync("/counter/rewards?handler=Deliver",
                   new Dictionary<string, string> { ["Code"] = "NOPE-NOPE", ["c"] = customer.ToString() }, FormClient.FindAntiforgeryToken(shown)))
        {
            unknown.StatusCode.Should().BeOneOf(HttpStatusCode.NotFound, HttpStatusCode.UnprocessableEntity);
            var html = Text(await unknown.Content.ReadAsStringAsync());
            Regex.Match(html, @"data-testid=""customer-name"">([^<]*)<").Groups[1].Value.Should().Be("Ana Pontos");
            html.Should().Contain("is-invalid", "the code field shows why it was refused");
        }
        (await kit.DbAsync(db => db.RewardClaims.CountAsync())).Should().Be(0);
    }

    [Fact]
    public void Templates_and_their_variables_say_points_for_a_points_program()
    {
        var tenant = new Tenant { Name = "Empório", Slug = "emporio", CurrencyName = "Pontos Aurora", CurrencyCode = "BRL", Locale = "pt-BR", TimeZone = "America/Sao_Paulo" };
        var points = TemplateVariables.Build(tenant, "pt-BR", Triggers.TierAtRisk, "Ana Souza", 375, "https://x", "https://x/u", null, null, null, null, null, null,
            "Ouro", DateTimeOffset.UtcNow.AddDays(10), null, 1234, RewardType.Points);
        points["to_keep"].Should().Be("1.234 Pontos Aurora");
        var spend = TemplateVariables.Build(tenant, "pt-BR", Triggers.TierAtRisk, "Ana Souza", 375, "https://x", "https://x/u", null, null, null, null, null, null,
            "Ouro", DateTimeOffset.UtcNow.AddDays(10), 120_00, null, RewardType.Points);
        spend["to_keep"].Should().Be("R$ 120,00", "spend is money in either program");

        foreach (var locale in DefaultTemplates.Locales)
        {
            DefaultTemplates.For(Triggers.Welcome, Channel.Email, locale, RewardType.Points).Body.Should().NotContain("cashback").And.Contain("{{ currency_name }}");
            DefaultTemplates.For(Triggers.Welcome, Channel.Email, locale).Body.Should().Contain("cashback");
        }

        // Earned and available: "500 Pontos Aurora" (not "500 de Pontos Aurora"), a balance with the points' name after it.
        var earned = DefaultTemplates.For(Triggers.CashbackEarned, Channel.Email, "pt-BR", RewardType.Points);
        earned.Subject.Should().Be("Você ganhou {{ amount }} {{ currency_name }} na {{ brand }}");
        earned.Body.Should().Contain("rendeu {{ amount }} {{ currency_name }}.").And.Contain("Seu saldo disponível: {{ balance }} {{ currency_name }}.");
        var available = DefaultTemplates.For(Triggers.CashbackAvailable, Channel.Email, "en", RewardType.Points);
        available.Subject.Should().Be("{{ amount }} {{ currency_name }} ready to exchange");
        available.Body.Should().Contain("available to exchange for rewards").And.NotContain("next purchase").And.Contain("{{ balance }} {{ currency_name }}.");
        DefaultTemplates.For(Triggers.CashbackEarned, Channel.Email, "pt-BR").Subject.Should().Be("Você ganhou {{ amount }} de {{ currency_name }} na {{ brand }}", "cashback keeps its words");
    }
}
