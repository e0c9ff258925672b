using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Counter;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Programs;

namespace Smartbis.Tests.Dashboard;

/// <summary>Points programs as the merchant and the cashier use them: sign-up, the rules page (with its lock), the counter.</summary>
public sealed class PointsPagesTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private static Dictionary<string, string> SignUpForm(string slug, string perUnit) => new()
    {
        ["Input.BusinessName"] = "Empório Teste", ["Input.Slug"] = slug, ["Input.OwnerName"] = "Rita", ["Input.Email"] = $"rita@{slug}.test",
        ["Input.Password"] = "a long passphrase 42", ["Input.RewardType"] = "points", ["Input.EarnRatePercent"] = "",
        ["Input.PointsPerUnit"] = perUnit, ["Input.CurrencyName"] = "Pontos Teste",
    };

    [Fact]
    public async Task Sign_up_creates_a_points_program_with_its_points_per_currency_unit()
    {
        using var client = fixture.CreateFormClient();
        using var response = await client.SubmitAsync("/signup", SignUpForm("emporio-pontos", "2"));
        response.StatusCode.Should().Be(HttpStatusCode.Redirect, client.LastHtml);

        await using var scope = fixture.CreateScope();
        var tenant = await scope.Db.Tenants.SingleAsync(t => t.Slug == "emporio-pontos");
        scope.Tenant.Set(tenant.Id);
        var rules = await scope.Db.ProgramRules.SingleAsync();
        (rules.RewardType, rules.PointsPerCurrencyUnit, rules.VoucherMode).Should().Be((RewardType.Points, 2, VoucherMode.None));
        tenant.CurrencyName.Should().Be("Pontos Teste");
    }

    [Fact]
    public async Task Sign_up_as_points_with_a_bad_rate_gets_a_field_error_and_creates_nothing()
    {
        using var client = fixture.CreateFormClient();
        using var response = await client.SubmitAsync("/signup?culture=en", SignUpForm("emporio-ruim", "1,5"));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().MatchRegex("data-valmsg-for=\"Input.PointsPerUnit\"[^>]*>[^<]*whole number of points");
        await using var scope = fixture.CreateScope();
        (await scope.Db.Tenants.AnyAsync(t => t.Slug == "emporio-ruim")).Should().BeFalse();
    }

    /// <summary>A weekday that is not today (these tests run on the real clock): the boost must not apply to the purchase.</summary>
    private static readonly DayOfWeek NotToday = (DayOfWeek)(((int)DateTime.UtcNow.DayOfWeek + 3) % 7);

    private static Dictionary<string, string> PointsRules(string type = "Points") => new()
    {
        ["Input.RewardType"] = type, ["Input.PointsPerUnit"] = "2", ["Input.EarnRatePercent"] = "5", ["Input.CostPerPoint"] = "0.02",
        ["Input.MinPurchase"] = "10.00", ["Input.MaxEarnPerPurchase"] = "1,000", ["Input.ExcludedCategories"] = "tobacco",
        ["Input.PendingDays"] = "0", ["Input.ExpiryDays"] = "365", ["Input.ReferrerReward"] = "200", ["Input.RefereeReward"] = "100",
        ["Input.ReferralMinPurchase"] = "", ["Input.ReferralMonthlyCap"] = "0", ["Input.WelcomeBonus"] = "50", ["Input.BirthdayBonus"] = "",
        ["Input.Boosts[0].Name"] = "Sábado em dobro", ["Input.Boosts[0].Points"] = "4", ["Input.Boosts[0].Weekdays"] = NotToday.ToString(),
        ["Input.CurrencyName"] = "Pontos Teste", ["Input.PrimaryColor"] = "#aa5500",
    };

    [Fact]
    public async Task The_rules_page_switches_to_points_before_the_first_purchase_then_locks_the_choice_with_its_reason()
    {
        var kit = await CounterKit.CreateAsync(fixture, "points-rules", SampleRules.Plain());
        using var client = await kit.SignInAsync(kit.Tenant.Owner);

        var html = await client.GetPageAsync("/app/program?culture=en");
        html.Should().Contain("data-testid=\"reward-type\"").And.NotContain("data-testid=\"reward-type-locked\"");
        using (var saved = await client.SubmitAsync("/app/program?culture=en", PointsRules()))
            saved.StatusCode.Should().Be(HttpStatusCode.Redirect, client.LastHtml);

        var rules = await kit.DbAsync(db => db.ProgramRules.OrderByDescending(r => r.Version).FirstAsync());
        (rules.RewardType, rules.PointsPerCurrencyUnit, rules.CostPerPointCents, rules.MaxEarnPerPurchaseCents, rules.WelcomeBonusCents)
            .Should().Be((RewardType.Points, 2, 2L, (long?)1000, 50L));
        (rules.ReferrerRewardCents, rules.RefereeRewardCents).Should().Be((200L, 100L));
        rules.Boosts.Single().PointsPerCurrencyUnit.Should().Be(4);
        html = WebUtility.HtmlDecode(await client.GetPageAsync("/app/program?culture=en"));
        html.Should().Contain("name=\"Input.PointsPerUnit\"").And.Contain("name=\"Input.CostPerPoint\"")
            .And.NotContain("name=\"Input.MaxRedeemSharePercent\"", "points are never payment: no share of a purchase to set");

        var (customer, _) = await kit.EnrollAsync();
        var bought = await kit.BuyAsync(customer, 25_00);
        bought.EarnedCents.Should().Be(50, "2 points per R$ 1 on R$ 25,00");

        html = WebUtility.HtmlDecode(await client.GetPageAsync("/app/program?culture=en"));
        html.Should().Contain("data-testid=\"reward-type-locked\"").And.Contain("can change only before the first purchase");
        html.Should().MatchRegex("<select[^>]*name=\"Input.RewardType\"[^>]*disabled");
        var versions = await kit.DbAsync(db => db.ProgramRules.CountAsync());
        using (var refused = await client.SubmitAsync("/app/program?culture=en", PointsRules("Cashback")))
        {
            refused.StatusCode.Should().Be(HttpStatusCode.OK);
            (await refused.Content.ReadAsStringAsync()).Should().Contain("cannot change after the first purchase");
        }
        (await kit.DbAsync(db => db.ProgramRules.CountAsync())).Should().Be(versions, "the refused type change saves nothing");

        // The select is disabled, so the browser posts no type: the rest of the form still saves.
        var withoutType = PointsRules();
        withoutType.Remove("Input.RewardType");
        withoutType["Input.PointsPerUnit"] = "3";
        using (var saved = await client.SubmitAsync("/app/program?culture=en", withoutType))
            saved.StatusCode.Should().Be(HttpStatusCode.Redirect, client.LastHtml);
        (await kit.DbAsync(db => db.ProgramRules.OrderByDescending(r => r.Version).FirstAsync()))
            .PointsPerCurrencyUnit.Should().Be(3);
    }

    [Fact]
    public async Task Bad_points_input_on_the_rules_page_is_refused_beside_its_field()
    {
        var kit = await CounterKit.CreateAsync(fixture, "points-rules-bad", SampleRules.Points());
        using var client = await kit.SignInAsync(kit.Tenant.Owner);
        var bad = PointsRules();
        bad["Input.PointsPerUnit"] = "1,5";
        bad["Input.WelcomeBonus"] = "2,50";
        bad["Input.CostPerPoint"] = "999,00";
        bad["Input.Boosts[0].Points"] = "1";
        var before = await kit.DbAsync(db => db.ProgramRules.CountAsync());

        using var response = await client.SubmitAsync("/app/program?culture=en", bad);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync();
        foreach (var field in new[] { "PointsPerUnit", "WelcomeBonus", "CostPerPoint", "Boosts[0].Points" })
            html.Should().MatchRegex($"data-valmsg-for=\"Input.{System.Text.RegularExpressions.Regex.Escape(field)}\"[^>]*>[^<]+<", field);
        (await kit.DbAsync(db => db.ProgramRules.CountAsync())).Should().Be(before);
    }

    [Fact]
    public async Task The_counter_shows_a_points_balance_and_offers_no_payment_with_points()
    {
        var rules = SampleRules.Points(1);
        var kit = await CounterKit.CreateAsync(fixture, "points-counter", rules);
        await using (var scope = kit.Scope())
        {
            var tenant = await scope.Db.Tenants.SingleAsync(t => t.Id == kit.Id);
            tenant.CurrencyName = "Pontos Aurora";
            await scope.Db.SaveChangesAsync();
        }
        var (customer, _) = await kit.EnrollAsync();
        await kit.BuyAsync(customer, 1_234_00);
        using var client = await kit.SignInAsync(kit.Tenant.Cashier);

        var html = WebUtility.HtmlDecode(await client.GetPageAsync($"/counter?c={customer}"));

        html.Should().MatchRegex("data-testid=\"balance-available\">1.234 Pontos Aurora<");
        html.Should().NotContain("data-testid=\"pay-cashback\"").And.Contain("data-testid=\"points-note\"");

        // A forged "pay with" field is refused by the ledger and records nothing.
        var (token, key) = await CounterKit.OpenPurchaseFormAsync(client, customer);
        var fields = CounterKit.PurchaseFields(customer, key, "50,00");
        fields["Purchase.PayWithCashback"] = "10,00";
        using var forged = await client.PostAsync("/counter?handler=Purchase", fields, token);
        forged.StatusCode.Should().Be(HttpStatusCode.OK);
        (await CounterKit.TextAsync(forged)).Should().Contain("são pontos, não dinheiro");
        (await kit.PurchaseCountAsync(customer)).Should().Be(1);

        using var ok = await CounterKit.PostPurchaseAsync(client, customer, "50,00");
        ok.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var receipt = WebUtility.HtmlDecode(await client.GetPageAsync(ok.Headers.Location!.OriginalString));
        receipt.Should().Contain("data-testid=\"earned\">50 Pontos Aurora<").And.Contain("Saldo: 1.284 Pontos Aurora.");
    }
}
