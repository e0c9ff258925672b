using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Tiers;

namespace Smartbis.Tests.Features.Tiers;

/// <summary>
/// Tiers with the fake clock: upgrade at the purchase that crosses a threshold (and its multiplier on that purchase),
/// the reminder before the review, the downgrade only at the review, and no retroactive downgrade when thresholds change.
/// </summary>
public sealed class TiersTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    /// <summary>Bronze from 0 (×1), Silver from R$ 500 (×1.5), Gold from R$ 1.000 (×2); 12 months; quarterly review; reminder 14 days before.</summary>
    private static SaveTierProgram.Request Levels(long silver = 500_00, long gold = 1_000_00, ReviewPeriod period = ReviewPeriod.Quarterly,
        TierMeasure measure = TierMeasure.Spend) =>
        new(true, measure, 12, period, 14,
        [
            new TierLevel { Name = "Bronze", Threshold = 0, MultiplierBps = 10_000, Perks = "Birthday gift" },
            new TierLevel { Name = "Silver", Threshold = silver, MultiplierBps = 15_000, Perks = "Free gift wrap" },
            new TierLevel { Name = "Gold", Threshold = gold, MultiplierBps = 20_000, Perks = "Free delivery" },
        ]);

    private static Task<TierProgram> SaveTiersAsync(TestTenant t, SaveTierProgram.Request r) =>
        t.RunAsync<SaveTierProgram, TierProgram>(s => s.ExecuteAsync(r, null, AuditActor.System));

    private static Task<int> RankAsync(TestTenant t, Guid customerId) =>
        t.WithDbAsync(async db => await db.Set<CustomerTier>().Where(x => x.CustomerId == customerId).Select(x => (int?)x.Rank).SingleOrDefaultAsync() ?? 0);

    private static Task<List<OutboxEvent>> EventsAsync(TestTenant t, string type, Guid customerId) =>
        t.WithDbAsync(db => db.OutboxEvents.AsNoTracking().Where(e => e.Type == type && e.CustomerId == customerId).ToListAsync());

    private Task<ReviewTiers.Result> ReviewAsync(TestTenant t) => Fixture.Get<ReviewTiers>().ExecuteAsync(t.Id);

    [Fact]
    public async Task The_purchase_that_crosses_a_threshold_upgrades_at_once_and_earns_with_the_new_multiplier()
    {
        var t = await NewTenantAsync(SampleRules.Plain(500)); // 5%
        await SaveTiersAsync(t, Levels());
        var c = await t.EnrollAsync();

        var first = await t.BuyAsync(c, 400_00);
        first.EarnedCents.Should().Be(20_00, "Bronze is ×1: 5% of R$ 400,00");
        (await RankAsync(t, c)).Should().Be(0);

        var crossing = await t.BuyAsync(c, 200_00); // R$ 600,00 in the window: Silver
        (await RankAsync(t, c)).Should().Be(1);
        crossing.RateBps.Should().Be(750, "Silver multiplies 5% by 1.5 on the purchase that reached it");
        crossing.EarnedCents.Should().Be(15_00);
        var up = (await EventsAsync(t, TierOnPurchase.Upgraded, c)).Should().ContainSingle().Subject;
        up.Payload.RootElement.GetProperty("tier").GetString().Should().Be("Silver");
        Triggers.ForEvent(up).Should().Be(Triggers.TierUp);

        var next = await t.BuyAsync(c, 100_00);
        next.EarnedCents.Should().Be(7_50, "×1.5 while Silver");
        (await EventsAsync(t, TierOnPurchase.Upgraded, c)).Should().HaveCount(1, "no new level, no new tier-up");

        var status = await t.WithDbAsync(db => TierStatus.ForCustomerAsync(db, c, t.Now));
        status!.Level.Should().Be("Silver");
        status.Qualifying.Should().Be(700_00);
        (status.NextLevel, status.ToNext).Should().Be(("Gold", 300_00L));
        status.ProgressPercent.Should().Be(40);
    }

    [Fact]
    public async Task Without_tiers_nothing_changes_and_a_refund_takes_spend_out_of_the_window()
    {
        var t = await NewTenantAsync(SampleRules.Plain(500));
        var c = await t.EnrollAsync();
        (await t.BuyAsync(c, 2_000_00)).EarnedCents.Should().Be(100_00, "no tiers: no multiplier");
        (await t.WithDbAsync(db => TierStatus.ForCustomerAsync(db, c, t.Now))).Should().BeNull();

        await SaveTiersAsync(t, Levels());
        var p = await t.BuyAsync(c, 10_00); // R$ 2.010,00 counts: Gold
        (await RankAsync(t, c)).Should().Be(2);
        p.EarnedCents.Should().Be(1_00, "×2 at Gold: 10% of R$ 10,00");
        await t.RefundAsync(p.PurchaseId, 10_00);
        (await t.WithDbAsync(db => TierStatus.ForCustomerAsync(db, c, t.Now)))!.Qualifying.Should().Be(2_000_00);
    }

    [Fact]
    public async Task Points_earned_can_be_the_measure()
    {
        var t = await NewTenantAsync(SampleRules.Plain(500));
        await SaveTiersAsync(t, Levels(silver: 30_00, gold: 100_00, measure: TierMeasure.PointsEarned));
        var c = await t.EnrollAsync();
        (await t.BuyAsync(c, 400_00)).EarnedCents.Should().Be(20_00);
        (await RankAsync(t, c)).Should().Be(0);
        var crossing = await t.BuyAsync(c, 200_00); // earns 10_00 before the multiplier: 30_00 earned in the window
        (await RankAsync(t, c)).Should().Be(1);
        crossing.EarnedCents.Should().Be(15_00);
    }

    [Fact]
    public async Task The_reminder_comes_once_before_the_review_and_the_review_downgrades_only_then()
    {
        // Monthly reviews at local midnight of the 1st in São Paulo (03:00 UTC); reminders from 14 days before.
        var t = await NewTenantAsync(SampleRules.Plain(500));
        await SaveTiersAsync(t, Levels(period: ReviewPeriod.Monthly));
        var c = await t.EnrollAsync();
        await t.BuyAsync(c, 1_000_00); // 2026-03-02: Gold
        (await RankAsync(t, c)).Should().Be(2);
        (await ReviewAsync(t)).Should().Be(new ReviewTiers.Result(null, 0, 0, 0), "the tiers began after March 1st's review");

        // Feb 1st 2027's review: the purchase of 2026-03-02 is in its window; March 1st's too, so no reminder for it.
        Clock.StartAt(new DateTimeOffset(2027, 2, 20, 12, 0, 0, TimeSpan.Zero));
        var feb = await ReviewAsync(t);
        (feb.ReviewedAt, feb.Downgraded, feb.Reminded).Should().Be((new DateTimeOffset(2027, 2, 1, 3, 0, 0, TimeSpan.Zero), 0, 0));

        // 14 days before April 1st: March's review keeps him Gold; April's will not count the purchase: one reminder.
        Clock.StartAt(new DateTimeOffset(2027, 3, 18, 12, 0, 0, TimeSpan.Zero));
        var march = await ReviewAsync(t);
        (march.ReviewedAt, march.Downgraded, march.Reminded).Should().Be((new DateTimeOffset(2027, 3, 1, 3, 0, 0, TimeSpan.Zero), 0, 1));
        var atRisk = (await EventsAsync(t, ReviewTiers.AtRisk, c)).Should().ContainSingle().Subject;
        atRisk.Payload.RootElement.GetProperty("tier").GetString().Should().Be("Gold");
        atRisk.Payload.RootElement.GetProperty("missingCents").GetInt64().Should().Be(1_000_00);
        atRisk.Payload.RootElement.GetProperty("reviewAt").GetDateTimeOffset().Should().Be(new DateTimeOffset(2027, 4, 1, 3, 0, 0, TimeSpan.Zero));
        Triggers.ForEvent(atRisk).Should().Be(Triggers.TierAtRisk);
        (await ReviewAsync(t)).Should().Be(new ReviewTiers.Result(null, 0, 0, 0), "one review and one reminder each");
        (await RankAsync(t, c)).Should().Be(2, "a reminder is not a downgrade");

        // 23:59 on March 31st in São Paulo: still Gold, and still earning ×2.
        Clock.StartAt(new DateTimeOffset(2027, 4, 1, 2, 59, 0, TimeSpan.Zero));
        (await ReviewAsync(t)).ReviewedAt.Should().BeNull();
        (await RankAsync(t, c)).Should().Be(2);

        Clock.StartAt(new DateTimeOffset(2027, 4, 1, 3, 0, 0, TimeSpan.Zero)); // the review
        var april = await ReviewAsync(t);
        (april.ReviewedAt, april.Downgraded).Should().Be((new DateTimeOffset(2027, 4, 1, 3, 0, 0, TimeSpan.Zero), 1));
        (await RankAsync(t, c)).Should().Be(0);
        (await EventsAsync(t, ReviewTiers.Downgraded, c)).Should().ContainSingle();
        (await ReviewAsync(t)).ReviewedAt.Should().BeNull("a review runs once");
        (await t.BuyAsync(c, 100_00)).EarnedCents.Should().Be(5_00, "back to ×1");
    }

    [Fact]
    public async Task Raising_thresholds_never_downgrades_before_the_review()
    {
        var t = await NewTenantAsync(SampleRules.Plain(500));
        await SaveTiersAsync(t, Levels());
        var c = await t.EnrollAsync();
        await t.BuyAsync(c, 1_000_00);
        (await RankAsync(t, c)).Should().Be(2);

        Clock.Advance(TimeSpan.FromDays(1));
        var v2 = await SaveTiersAsync(t, Levels(silver: 2_000_00, gold: 5_000_00));
        v2.Version.Should().Be(2);
        (await t.WithDbAsync(db => db.Set<TierProgram>().CountAsync())).Should().Be(2, "versions are rows, never edited");

        var after = await t.BuyAsync(c, 100_00);
        (await RankAsync(t, c)).Should().Be(2, "a threshold change does not move anyone down");
        after.EarnedCents.Should().Be(10_00, "still Gold (×2)");
        (await t.WithDbAsync(db => TierStatus.ForCustomerAsync(db, c, t.Now)))!.Level.Should().Be("Gold");

        // Not even the job, until a review moment passes (Apr 1st); then the new thresholds apply.
        (await ReviewAsync(t)).Downgraded.Should().Be(0);
        (await RankAsync(t, c)).Should().Be(2);
        Clock.StartAt(new DateTimeOffset(2026, 4, 1, 4, 0, 0, TimeSpan.Zero));
        (await ReviewAsync(t)).Downgraded.Should().Be(1);
        (await RankAsync(t, c)).Should().Be(0, "R$ 1.100,00 is under the new Silver threshold");
        var audit = await t.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(a => a.Action == "tiers.updated"));
        audit.Should().Be(2);
    }

    [Fact]
    public async Task The_snapshot_counts_members_per_level_of_the_local_day()
    {
        var t = await NewTenantAsync(SampleRules.Plain(500));
        await SaveTiersAsync(t, Levels());
        var a = await t.EnrollAsync();
        var b = await t.EnrollAsync();
        await t.EnrollAsync();
        await t.BuyAsync(a, 600_00);
        await t.BuyAsync(b, 1_200_00);
        await ReviewAsync(t);
        var rows = await t.WithDbAsync(db => db.Set<TierDailyMembers>().AsNoTracking().OrderBy(r => r.Rank).ToListAsync());
        rows.Select(r => (r.Day, r.LevelName, r.Members)).Should().Equal(
            (new DateOnly(2026, 3, 2), "Bronze", 1), (new DateOnly(2026, 3, 2), "Silver", 1), (new DateOnly(2026, 3, 2), "Gold", 1));
    }

    [Fact]
    public async Task Bad_levels_are_refused_per_field_and_change_nothing()
    {
        var t = await NewTenantAsync(SampleRules.Plain(500));
        var bad = Levels() with
        {
            WindowMonths = 0,
            Levels = [new TierLevel { Name = "Bronze", Threshold = 10 }, new TierLevel { Name = "bronze", Threshold = 5, MultiplierBps = 90_000 }],
        };
        var failed = await LedgerTestKit.ShouldFailAsync(() => SaveTiersAsync(t, bad), "validation");
        failed.Errors.Keys.Should().BeEquivalentTo(["WindowMonths", "Levels[0].Threshold", "Levels[1].Name", "Levels[1].Threshold", "Levels[1].MultiplierBps"]);
        (await t.WithDbAsync(db => db.Set<TierProgram>().CountAsync())).Should().Be(0);
    }
}
