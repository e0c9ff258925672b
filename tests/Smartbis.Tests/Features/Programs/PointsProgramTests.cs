using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Purchases;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Tests.Features.Programs;

/// <summary>
/// Points programs on the ledger: whole points per currency unit (rounded down) with the same minimum, cap, boosts,
/// exclusions, pending period, per-lot expiry and FIFO spending as cashback; no payment with points; the reward type
/// fixed after the first purchase. (The clock starts on a Monday, 09:00 in São Paulo.)
/// </summary>
public sealed class PointsProgramTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    [Theory]
    [InlineData(1, 12_99, 12)]
    [InlineData(2, 12_99, 25)]
    [InlineData(1, 99, 0)]
    [InlineData(3, 100_00, 300)]
    public async Task A_purchase_earns_whole_points_per_currency_unit_rounded_down(int perUnit, long amountCents, long points)
    {
        var shop = await NewTenantAsync(SampleRules.Points(perUnit));
        var ana = await shop.EnrollAsync();

        var bought = await shop.BuyAsync(ana, amountCents);

        bought.EarnedCents.Should().Be(points, "{0} point(s) per R$ 1 on {1} cents, never a fraction of a point", perUnit, amountCents);
        bought.RateBps.Should().Be(perUnit, "a points purchase records its points per unit as its rate");
        (await shop.BalancesAsync(ana)).AvailableCents.Should().Be(points);
        if (points > 0)
            (await shop.EntriesAsync(ana)).Single(e => e.Kind == EntryKind.Earn).Reason
                .Should().Be($"{points} points ({perUnit} per BRL 1) on your purchase at Test Pharmacy Centro");
    }

    [Fact]
    public async Task Minimum_purchase_cap_in_points_and_excluded_categories_apply_to_points()
    {
        var rules = SampleRules.Points(2);
        rules.MinPurchaseCents = 20_00;
        rules.MaxEarnPerPurchaseCents = 150; // points
        rules.ExcludedCategories = ["tobacco"];
        var shop = await NewTenantAsync(rules);
        var ana = await shop.EnrollAsync();

        (await shop.BuyAsync(ana, 19_99)).EarnedCents.Should().Be(0, "below the minimum purchase");
        (await shop.BuyAsync(ana, 20_00)).EarnedCents.Should().Be(40);
        (await shop.BuyAsync(ana, 500_00)).EarnedCents.Should().Be(150, "1 000 points capped at 150");
        var mixed = await shop.BuyAsync(ana, 50_00, lines: [new RecordPurchase.Line("tobacco", 30_00), new RecordPurchase.Line("food", 20_00)]);
        mixed.EarnedCents.Should().Be(40, "only the R$ 20,00 outside tobacco earns, 2 points per R$ 1");
        mixed.EligibleCents.Should().Be(20_00);
        (await shop.BalancesAsync(ana)).AvailableCents.Should().Be(230);
    }

    [Fact]
    public async Task A_boost_sets_the_points_rate_on_its_days_and_the_best_one_applies()
    {
        var rules = SampleRules.Points(1);
        rules.Boosts =
        [
            new Boost { Name = "Monday triple", PointsPerCurrencyUnit = 3, Weekdays = [DayOfWeek.Monday] },
            new Boost { Name = "Tuesday double", PointsPerCurrencyUnit = 2, Weekdays = [DayOfWeek.Tuesday] },
        ];
        var shop = await NewTenantAsync(rules);
        var ana = await shop.EnrollAsync();

        var monday = await shop.BuyAsync(ana, 10_50);
        Clock.Advance(TimeSpan.FromDays(2)); // Wednesday: no boost
        var wednesday = await shop.BuyAsync(ana, 10_50);

        (monday.EarnedCents, monday.RateBps).Should().Be((31L, 3), "the boost replaces the base rate: 3 points per R$ 1 of R$ 10,50, rounded down");
        (wednesday.EarnedCents, wednesday.RateBps).Should().Be((10L, 1));
    }

    [Fact]
    public async Task Points_wait_out_the_pending_period_and_each_lot_expires_on_its_own_date()
    {
        var rules = SampleRules.Points(1, expiryDays: 365);
        rules.PendingDays = 7;
        var shop = await NewTenantAsync(rules);
        var ana = await shop.EnrollAsync();

        var first = await shop.BuyAsync(ana, 100_00);
        first.AvailableAt.Should().Be(Clock.Now.AddDays(7));
        first.ExpiresAt.Should().Be(Clock.Now.AddDays(7 + 365));
        (await shop.BalancesAsync(ana)).Should().Be(new Balances(100, 0, 0, 0));

        Clock.Advance(TimeSpan.FromDays(7));
        await shop.ReleaseAsync();
        (await shop.BalancesAsync(ana)).Should().Be(new Balances(0, 100, 0, 0));
        Clock.Advance(TimeSpan.FromDays(100));
        await shop.BuyAsync(ana, 50_00);
        Clock.Advance(TimeSpan.FromDays(7));
        await shop.ReleaseAsync();

        Clock.Advance(TimeSpan.FromDays(365 - 107));
        var expired = await shop.ExpireAsync();
        expired.LotCents.Should().Be(100, "the first lot's points expire on its date; the second lot's keep going");
        (await shop.BalancesAsync(ana)).Should().Be(new Balances(0, 50, 0, 0));
    }

    [Fact]
    public async Task Points_are_spent_from_the_lot_that_expires_first()
    {
        var shop = await NewTenantAsync(SampleRules.Points(1, expiryDays: 365));
        var ana = await shop.EnrollAsync();
        await shop.BuyAsync(ana, 100_00);                 // 100 points, expires in 365 days
        Clock.Advance(TimeSpan.FromDays(30));
        await shop.BuyAsync(ana, 80_00);                  // 80 points, expires 30 days later

        var after = await shop.SpendAsync(ana, 120);

        after.AvailableCents.Should().Be(60);
        var lots = await shop.LotsAsync(ana);
        lots.Select(l => (l.AmountCents, l.RemainingCents, l.Status)).Should().Equal((100L, 0L, LotStatus.Spent), (80L, 60L, LotStatus.Available));
    }

    [Fact]
    public async Task Points_cannot_pay_for_a_purchase_and_the_refusal_changes_nothing()
    {
        var shop = await NewTenantAsync(SampleRules.Points(1));
        var ana = await shop.EnrollAsync();
        await shop.BuyAsync(ana, 100_00);
        var before = await shop.RowCountsAsync();

        var refusal = await LedgerTestKit.ShouldFailAsync(() => shop.RecordAsync(shop.Purchase(ana, 50_00, payWithCashbackCents: 10)), "points_not_payment");

        refusal.Errors.Should().ContainKey("payWithCashbackCents");
        (await shop.RowCountsAsync()).Should().Be(before);
        (await shop.BalancesAsync(ana)).AvailableCents.Should().Be(100);
    }

    [Fact]
    public async Task The_share_payable_with_the_balance_is_nothing_for_points()
    {
        var rules = SampleRules.Points();
        rules.MaxCashbackPaymentCents(100_00).Should().Be(0);
        rules.MaxCashbackUsableCents(100_00, 5_000).Should().Be(0);
        (await NewTenantAsync(rules)).Should().NotBeNull();
    }

    [Fact]
    public async Task Welcome_bonus_and_adjustments_are_in_points()
    {
        var rules = SampleRules.Points(1);
        rules.WelcomeBonusCents = 50;
        var shop = await NewTenantAsync(rules);

        var joined = await shop.JoinAsync();
        joined.WelcomeBonusCents.Should().Be(50);
        await shop.AdjustAsync(joined.CustomerId, 25, "Goodwill");
        await shop.AdjustAsync(joined.CustomerId, -10, "Correction");
        (await shop.BalancesAsync(joined.CustomerId)).AvailableCents.Should().Be(65);
        var refusal = await LedgerTestKit.ShouldFailAsync(() => shop.AdjustAsync(joined.CustomerId, -100), "insufficient_balance");
        refusal.Message.Should().Contain("65 Cashback", "the refusal names the balance in points with the reward's name");
    }

    [Fact]
    public async Task The_reward_type_changes_before_the_first_purchase_and_is_locked_after_it()
    {
        var shop = await NewTenantAsync(SampleRules.Plain());
        var ana = await shop.EnrollAsync();

        var points = await shop.SaveRulesAsync(SampleRules.Points(2));
        points.RewardType.Should().Be(RewardType.Points, "no purchase yet: the type may change");
        await shop.BuyAsync(ana, 10_00);

        await LedgerTestKit.ShouldFailAsync(() => shop.SaveRulesAsync(SampleRules.Plain()), "invalid_rules");
        var refusal = await FluentActions.Awaiting(() => shop.SaveRulesAsync(SampleRules.Plain())).Should().ThrowAsync<OperationFailed>();
        refusal.Which.Errors.Should().ContainKey(nameof(ProgramRules.RewardType));
        refusal.Which.Errors[nameof(ProgramRules.RewardType)].Should().ContainMatch("*cannot change after the first purchase*");
        (await shop.WithDbAsync(db => SaveProgramRules.RewardTypeLockedAsync(db))).Should().BeTrue();

        var same = SampleRules.Points(3);
        (await shop.SaveRulesAsync(same)).PointsPerCurrencyUnit.Should().Be(3, "other rules still change after the first purchase");
    }

    [Fact]
    public void Points_rules_are_validated_field_by_field()
    {
        var rules = SampleRules.Points();
        rules.VoucherMode = VoucherMode.Threshold;
        rules.VoucherThresholdCents = 100;
        rules.PointsPerCurrencyUnit = 1_001;
        rules.CostPerPointCents = -1;
        rules.Boosts = [new Boost { Name = "x", PointsPerCurrencyUnit = 1, Weekdays = [DayOfWeek.Friday] }];

        var errors = FluentActions.Invoking(() => SaveProgramRules.Validate(rules).ThrowIfInvalid()).Should().Throw<OperationFailed>().Which.Errors;

        errors.Keys.Should().BeEquivalentTo([nameof(ProgramRules.VoucherMode), nameof(ProgramRules.PointsPerCurrencyUnit),
            nameof(ProgramRules.CostPerPointCents), "Boosts[0].PointsPerCurrencyUnit"]);
        SaveProgramRules.Validate(SampleRules.Points()).IsValid.Should().BeTrue();
    }

    [Fact]
    public void The_next_version_copies_the_points_rules()
    {
        var rules = SampleRules.Points(4);
        rules.CostPerPointCents = 3;
        rules.Boosts = [new Boost { Name = "Friday", PointsPerCurrencyUnit = 8, Weekdays = [DayOfWeek.Friday] }];

        var next = rules.CopyAsNextVersion();

        (next.RewardType, next.PointsPerCurrencyUnit, next.CostPerPointCents).Should().Be((RewardType.Points, 4, 3L));
        next.Boosts.Single().PointsPerCurrencyUnit.Should().Be(8);
    }

    [Theory]
    [InlineData(1234L, "points", "pt-BR", "1.234 Pontos Aurora")]
    [InlineData(1234L, "points", "en", "1,234 Pontos Aurora")]
    [InlineData(1234L, "cashback", "pt-BR", "R$ 12,34")]
    [InlineData(0L, "points", "pt-BR", "0 Pontos Aurora")]
    public void RewardUnits_formats_money_or_points_with_the_branded_name(long amount, string type, string locale, string expected)
    {
        var rewardType = type == "points" ? RewardType.Points : RewardType.Cashback;
        RewardUnits.Format(amount, rewardType, "Pontos Aurora", "BRL", locale).Replace('\u00a0', ' ').Should().Be(expected);
    }

    [Theory]
    [InlineData("1.234", "pt-BR", 1234L)]
    [InlineData("1234", "pt-BR", 1234L)]
    [InlineData("1,234", "en", 1234L)]
    [InlineData("12,5", "pt-BR", null)]
    [InlineData("12.50", "pt-BR", null)]
    [InlineData("abc", "pt-BR", null)]
    public void RewardUnits_parses_whole_points(string text, string locale, long? expected) =>
        RewardUnits.Parse(text, RewardType.Points, locale).Should().Be(expected);
}
