using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Purchases;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Tests.Features.Programs;

/// <summary>How the program rules decide what a purchase earns, and which rules are accepted.</summary>
public sealed class ProgramRulesTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    [Fact]
    public async Task Lines_of_excluded_categories_earn_nothing()
    {
        var rules = SampleRules.Plain();
        rules.ExcludedCategories = ["prescription", "tobacco"];
        var shop = await NewTenantAsync(rules);
        var ana = await shop.EnrollAsync();

        var allExcluded = await shop.BuyAsync(ana, 80_00, lines:
            [new RecordPurchase.Line("prescription", 50_00), new RecordPurchase.Line(" Tobacco ", 30_00)]);
        var mixed = await shop.BuyAsync(ana, 100_00, lines:
            [new RecordPurchase.Line("PRESCRIPTION", 25_00), new RecordPurchase.Line("hygiene", 75_00)]);

        allExcluded.EarnedCents.Should().Be(0, "category names match whatever their case and spacing");
        allExcluded.EligibleCents.Should().Be(0);
        mixed.EarnedCents.Should().Be(3_75, "5% of the R$ 75,00 that is not excluded");
        (await shop.BalancesAsync(ana)).AvailableCents.Should().Be(3_75);
        var lines = await shop.WithDbAsync(db => db.PurchaseLines.AsNoTracking().Where(l => l.PurchaseId == mixed.PurchaseId).OrderBy(l => l.LineNo).ToListAsync());
        lines.Select(l => (l.Category, l.AmountCents, l.Excluded)).Should().Equal(("PRESCRIPTION", 25_00L, true), ("hygiene", 75_00L, false));
    }

    [Fact]
    public async Task A_purchase_below_the_minimum_earns_nothing_and_one_at_the_minimum_earns()
    {
        var rules = SampleRules.Plain();
        rules.MinPurchaseCents = 50_00;
        var shop = await NewTenantAsync(rules);
        var ana = await shop.EnrollAsync();

        (await shop.BuyAsync(ana, 49_99)).EarnedCents.Should().Be(0);
        (await shop.BuyAsync(ana, 50_00)).EarnedCents.Should().Be(2_50);
        (await shop.BalancesAsync(ana)).AvailableCents.Should().Be(2_50);
        (await shop.EntriesAsync(ana)).Should().ContainSingle(e => e.Kind == EntryKind.Earn, "a purchase that earns nothing writes no earn entry");
    }

    [Fact]
    public async Task Earnings_are_capped_per_purchase()
    {
        var rules = SampleRules.Plain();
        rules.MaxEarnPerPurchaseCents = 10_00;
        var shop = await NewTenantAsync(rules);
        var ana = await shop.EnrollAsync();

        (await shop.BuyAsync(ana, 1_000_00)).EarnedCents.Should().Be(10_00, "5% of R$ 1.000,00 is R$ 50,00, capped at R$ 10,00");
        (await shop.BuyAsync(ana, 100_00)).EarnedCents.Should().Be(5_00, "under the cap the rate applies");
        (await shop.BalancesAsync(ana)).AvailableCents.Should().Be(15_00);
    }

    [Fact]
    public async Task A_date_range_boost_applies_on_the_local_dates_of_the_tenant_time_zone()
    {
        var rules = SampleRules.Plain(500);
        rules.Boosts = [new Boost { Name = "Anniversary week", RateBps = 1000, StartsOn = new DateOnly(2026, 3, 10), EndsOn = new DateOnly(2026, 3, 12) }];
        Clock.StartAt(new DateTimeOffset(2026, 3, 20, 12, 0, 0, TimeSpan.Zero));
        var shop = await NewTenantAsync(rules);
        var ana = await shop.EnrollAsync();
        await shop.SetBackdatingWindowAsync(60 * 24); // purchases weeks back: the tenant allows 60 days (default 72 hours)

        // São Paulo is UTC−3: 02:30 UTC on the 10th is still the 9th there, 03:30 UTC is the 10th.
        var rate = async (string utc) => (await shop.BuyAsync(ana, 100_00, occurredAt: DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture))).RateBps;
        (await rate("2026-03-10T02:30:00Z")).Should().Be(500, "it is 23:30 on 9 March in São Paulo, before the boost");
        (await rate("2026-03-10T03:30:00Z")).Should().Be(1000, "it is 00:30 on 10 March in São Paulo, the first boosted day");
        (await rate("2026-03-13T02:30:00Z")).Should().Be(1000, "it is 23:30 on 12 March in São Paulo, the last boosted day");
        (await rate("2026-03-13T03:30:00Z")).Should().Be(500, "it is 00:30 on 13 March in São Paulo, after the boost");
        (await shop.BalancesAsync(ana)).AvailableCents.Should().Be(5_00 + 10_00 + 10_00 + 5_00);
    }

    [Fact]
    public async Task A_weekday_boost_applies_on_the_local_weekday_not_the_utc_one()
    {
        var rules = SampleRules.Plain(500);
        rules.Boosts = [new Boost { Name = "Double Tuesday", RateBps = 1000, Weekdays = [DayOfWeek.Tuesday] }];
        Clock.StartAt(new DateTimeOffset(2026, 3, 20, 12, 0, 0, TimeSpan.Zero));
        var shop = await NewTenantAsync(rules);
        var ana = await shop.EnrollAsync();
        await shop.SetBackdatingWindowAsync(60 * 24); // purchases weeks back: the tenant allows 60 days (default 72 hours)

        // 3 March 2026 is a Tuesday.
        var mondayNightLocal = await shop.BuyAsync(ana, 100_00, occurredAt: new DateTimeOffset(2026, 3, 3, 2, 0, 0, TimeSpan.Zero));
        var tuesdayNightLocal = await shop.BuyAsync(ana, 100_00, occurredAt: new DateTimeOffset(2026, 3, 4, 2, 0, 0, TimeSpan.Zero));
        var tuesdayEarlyLocal = await shop.BuyAsync(ana, 100_00, occurredAt: new DateTimeOffset(2026, 3, 3, 3, 0, 0, TimeSpan.Zero));

        mondayNightLocal.RateBps.Should().Be(500, "Tuesday 02:00 UTC is Monday 23:00 in São Paulo");
        mondayNightLocal.EarnedCents.Should().Be(5_00);
        tuesdayNightLocal.RateBps.Should().Be(1000, "Wednesday 02:00 UTC is Tuesday 23:00 in São Paulo");
        tuesdayNightLocal.EarnedCents.Should().Be(10_00);
        tuesdayEarlyLocal.RateBps.Should().Be(1000, "Tuesday 03:00 UTC is Tuesday 00:00 in São Paulo");
    }

    [Fact]
    public async Task The_best_boost_that_applies_wins_and_a_boost_with_dates_and_weekdays_needs_both()
    {
        var rules = SampleRules.Plain(500);
        rules.Boosts =
        [
            new Boost { Name = "Tuesdays in March", RateBps = 800, StartsOn = new DateOnly(2026, 3, 1), EndsOn = new DateOnly(2026, 3, 31), Weekdays = [DayOfWeek.Tuesday] },
            new Boost { Name = "March", RateBps = 600, StartsOn = new DateOnly(2026, 3, 1), EndsOn = new DateOnly(2026, 3, 31) },
        ];
        Clock.StartAt(new DateTimeOffset(2026, 4, 20, 12, 0, 0, TimeSpan.Zero));
        var shop = await NewTenantAsync(rules);
        var ana = await shop.EnrollAsync();
        await shop.SetBackdatingWindowAsync(60 * 24); // purchases weeks back: the tenant allows 60 days (default 72 hours)

        (await shop.BuyAsync(ana, 100_00, occurredAt: new DateTimeOffset(2026, 3, 10, 15, 0, 0, TimeSpan.Zero))).RateBps.Should().Be(800);
        (await shop.BuyAsync(ana, 100_00, occurredAt: new DateTimeOffset(2026, 3, 11, 15, 0, 0, TimeSpan.Zero))).RateBps.Should().Be(600);
        (await shop.BuyAsync(ana, 100_00, occurredAt: new DateTimeOffset(2026, 4, 7, 15, 0, 0, TimeSpan.Zero))).RateBps.Should().Be(500, "a Tuesday outside the dates");
    }

    [Fact]
    public async Task A_purchase_uses_the_rule_version_in_force_when_it_happened()
    {
        var start = Clock.Now;
        var shop = await NewTenantAsync(SampleRules.Plain(500), rulesFrom: start.AddDays(-30));
        var ana = await shop.EnrollAsync();
        await shop.SetBackdatingWindowAsync(60 * 24); // purchases weeks back: the tenant allows 60 days (default 72 hours)
        Clock.Advance(TimeSpan.FromDays(10));
        var v2 = await shop.SaveRulesAsync(SampleRules.Plain(800)); // in force from now

        var backdated = await shop.BuyAsync(ana, 100_00, occurredAt: start.AddDays(5));
        var current = await shop.BuyAsync(ana, 100_00);

        v2.Version.Should().Be(2);
        backdated.RuleVersion.Should().Be(1, "on day 5 version 1 was in force");
        backdated.RateBps.Should().Be(500);
        backdated.EarnedCents.Should().Be(5_00);
        current.RuleVersion.Should().Be(2);
        current.EarnedCents.Should().Be(8_00);
        var earn = (await shop.EntriesAsync(ana)).Single(e => e.PurchaseId == backdated.PurchaseId);
        (earn.RuleVersion, earn.RateBps).Should().Be(((int?)1, (int?)500), "the entry records the rule version and rate that produced it");
    }

    [Fact]
    public async Task Rules_saved_for_later_do_not_apply_before_their_start()
    {
        var shop = await NewTenantAsync(SampleRules.Plain(500));
        var ana = await shop.EnrollAsync();
        await shop.SaveRulesAsync(SampleRules.Plain(1000), effectiveFrom: Clock.Now.AddDays(3));

        (await shop.BuyAsync(ana, 100_00)).RuleVersion.Should().Be(1);
        Clock.Advance(TimeSpan.FromDays(3));
        (await shop.BuyAsync(ana, 100_00)).Should().Match<RecordPurchase.Result>(r => r.RuleVersion == 2 && r.EarnedCents == 10_00);
    }

    public static TheoryData<string, Action<ProgramRules>, string> InvalidRules => new()
    {
        { "negative rate", r => r.EarnRateBps = -1, nameof(ProgramRules.EarnRateBps) },
        { "rate over 100%", r => r.EarnRateBps = 10_001, nameof(ProgramRules.EarnRateBps) },
        { "negative cap", r => r.MaxEarnPerPurchaseCents = -1, nameof(ProgramRules.MaxEarnPerPurchaseCents) },
        { "threshold 0 in threshold mode", r => { r.VoucherMode = VoucherMode.Threshold; r.VoucherThresholdCents = 0; }, nameof(ProgramRules.VoucherThresholdCents) },
        { "negative minimum purchase", r => r.MinPurchaseCents = -1, nameof(ProgramRules.MinPurchaseCents) },
        { "share over 100%", r => r.MaxRedeemShareBps = 10_001, nameof(ProgramRules.MaxRedeemShareBps) },
        { "expiry of 0 days", r => r.ExpiryDays = 0, nameof(ProgramRules.ExpiryDays) },
        { "boost without dates or weekdays", r => r.Boosts = [new Boost { Name = "?", RateBps = 900 }], "Boosts[0].Weekdays" },
        { "boost below the base rate", r => r.Boosts = [new Boost { Name = "Half on Mondays", RateBps = 250, Weekdays = [DayOfWeek.Monday] }], "Boosts[0].RateBps" },
        { "boost at the base rate", r => r.Boosts = [new Boost { Name = "Same", RateBps = 500, Weekdays = [DayOfWeek.Monday] }], "Boosts[0].RateBps" },
    };

    [Theory]
    [MemberData(nameof(InvalidRules))]
    public async Task Invalid_rules_are_refused_with_a_message_on_the_field_and_nothing_is_saved(string why, Action<ProgramRules> breakIt, string field)
    {
        var shop = await NewTenantAsync(SampleRules.Velluto());
        var rules = SampleRules.Velluto();
        breakIt(rules);

        var refusal = await LedgerTestKit.ShouldFailAsync(() => shop.SaveRulesAsync(rules), "invalid_rules");

        refusal.Errors.Keys.Should().Equal([field], because: why);
        refusal.Errors[field].Should().ContainSingle().Which.Should().NotBeNullOrWhiteSpace();
        (await shop.WithDbAsync(db => db.ProgramRules.CountAsync())).Should().Be(1, "only version 1 exists");
    }

    [Fact]
    public void Every_invalid_field_is_reported_at_once()
    {
        var rules = new ProgramRules
        {
            EarnRateBps = -5, MaxEarnPerPurchaseCents = -100, VoucherMode = VoucherMode.Threshold, VoucherThresholdCents = 0,
        };

        var validation = SaveProgramRules.Validate(rules);

        validation.IsValid.Should().BeFalse();
        var refusal = FluentActions.Invoking(() => validation.ThrowIfInvalid("invalid_rules")).Should().Throw<OperationFailed>().Which;
        refusal.Errors.Keys.Should().BeEquivalentTo(
            nameof(ProgramRules.EarnRateBps), nameof(ProgramRules.MaxEarnPerPurchaseCents), nameof(ProgramRules.VoucherThresholdCents));
    }

    [Fact]
    public void The_reference_programs_are_valid_rules()
    {
        SaveProgramRules.Validate(SampleRules.Velluto()).IsValid.Should().BeTrue();
        SaveProgramRules.Validate(SampleRules.LitoralCash()).IsValid.Should().BeTrue();
    }

    [Fact]
    public async Task Saving_rules_keeps_every_setting_as_a_new_version()
    {
        // Every setting away from its default, so a setting lost on the way to the database shows.
        var rules = new ProgramRules
        {
            EarnRateBps = 450, MinPurchaseCents = 10_00, MaxEarnPerPurchaseCents = 50_00, ExcludedCategories = ["prescription", "tobacco"],
            PendingDays = 5, ExpiryDays = 120, MinRedeemBalanceCents = 15_00, MaxRedeemShareBps = 3_000,
            VoucherMode = VoucherMode.Threshold, VoucherThresholdCents = 25_00, VoucherValidityDays = 45,
            ReferrerRewardCents = 10_00, RefereeRewardCents = 5_00, ReferralMinPurchaseCents = 50_00, ReferralMonthlyCap = 3,
            WelcomeBonusCents = 2_00, BirthdayBonusCents = 7_00,
            Boosts = [new Boost { Name = "Double Tuesday", RateBps = 900, Weekdays = [DayOfWeek.Tuesday] },
                      new Boost { Name = "Black Friday", RateBps = 1500, StartsOn = new DateOnly(2026, 11, 27), EndsOn = new DateOnly(2026, 11, 30) }],
        };
        var shop = await NewTenantAsync(SampleRules.Plain());
        var from = Clock.Now.AddDays(2);

        var saved = await shop.SaveRulesAsync(rules, from);

        var stored = await shop.WithDbAsync(db => db.ProgramRules.AsNoTracking().SingleAsync(r => r.Version == 2));
        stored.Should().BeEquivalentTo(rules, o => o
            .Excluding(r => r.TenantId).Excluding(r => r.Version).Excluding(r => r.EffectiveFrom).Excluding(r => r.CreatedAt).Excluding(r => r.CreatedByUserId));
        (saved.Version, stored.EffectiveFrom, stored.CreatedAt).Should().Be((2, from, Clock.Now));
        (await shop.WithDbAsync(db => db.ProgramRules.AsNoTracking().SingleAsync(r => r.Version == 1))).EarnRateBps.Should().Be(500, "version 1 is never edited");
    }
}
