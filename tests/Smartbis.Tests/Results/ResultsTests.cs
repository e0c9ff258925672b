using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Smartbis.Tests.Automations;
using Smartbis.Tests.Features;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Portal;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Reporting;
using Smartbis.Web.Features.Results;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Tests.Results;

/// <summary>
/// The control group (drawn once at join, no automated messages, optional no boosts, transactional messages still sent) and
/// every figure of the results page, hand-checked on a small tenant: 40 members and 40 in the control group.
/// </summary>
public sealed class ResultsTests(AutomationsFixture fixture) : IClassFixture<AutomationsFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero); // 09:00 in São Paulo

    private static Task<ResultsSettings> HoldoutAsync(TestTenant t, bool on = true, int shareBps = 1000, bool noBoosts = false, long emailCostCents = 0) =>
        t.RunAsync<SaveResultsSettings, ResultsSettings>(s => s.ExecuteAsync(
            new SaveResultsSettings.Request(on, shareBps, noBoosts, Overview.Today(t.Now, "America/Sao_Paulo"), emailCostCents, 0), "owner-1", AuditActor.System));

    private static async Task SetGroupAsync(TestTenant t, IEnumerable<Guid> ids, bool control)
    {
        var list = ids.ToList();
        await using var scope = t.Scope();
        await scope.Db.Customers.Where(c => list.Contains(c.Id)).ExecuteUpdateAsync(s => s.SetProperty(c => c.InControlGroup, control));
    }

    private static AutomationSetting[] OnlyWelcome() =>
        Triggers.All.Select(x => new AutomationSetting { Trigger = x.Key, Enabled = x.Key == Triggers.Welcome, Email = true, QuietHours = false }).ToArray();

    [Fact]
    public async Task Every_figure_of_the_results_page_matches_the_hand_computed_one()
    {
        fixture.Clock.StartAt(Start);
        var t = await fixture.CreateTenantAsync(SampleRules.Plain(500), name: "Results Pharmacy");
        await t.ConfigureAsync(null, OnlyWelcome());
        await HoldoutAsync(t, emailCostCents: 10);
        var treated = new List<Guid>();
        var control = new List<Guid>();
        for (var i = 0; i < 40; i++) treated.Add(await t.MemberAsync($"t{i}@results.test", name: $"Treated {i}"));
        for (var i = 0; i < 40; i++) control.Add(await t.MemberAsync($"c{i}@results.test", name: $"Control {i}"));
        await SetGroupAsync(t, treated, false); // the draw is random (tested below): here the groups are set by hand
        await SetGroupAsync(t, control, true);
        foreach (var id in treated.Concat(control)) await t.BuyAsync(id, 100_00);
        await t.DispatchAsync(); // welcome emails: to the 40 members, none to the control group

        fixture.Clock.Advance(TimeSpan.FromDays(10)); // 20 of the members and 10 of the control group come back
        foreach (var id in treated.Take(20).Concat(control.Take(10))) await t.BuyAsync(id, 100_00);
        await t.RecordAsync(t.Purchase(null, 50_00, phone: LedgerTestKit.NewPhone())); // a walk-in who never joins
        await t.DispatchAsync();
        fixture.Clock.Advance(TimeSpan.FromDays(85)); // 5 June: everyone's 90 days are over

        var welcomes = await t.MessagesAsync(Triggers.Welcome);
        welcomes.Select(m => m.CustomerId!.Value).Should().BeEquivalentTo(treated, "the control group gets no automated messages");
        welcomes.Should().OnlyContain(m => m.Status == MessageStatus.Sent);

        ResultsReport.Result r;
        await using (var scope = t.Scope())
        {
            await scope.Get<RollUpDailyStats>().ExecuteAsync(t.Id);
            await scope.Get<RollUpResults>().ExecuteAsync(t.Id);
            r = await ResultsReport.LoadAsync(scope.Db, new DateOnly(2026, 3, 1), new DateOnly(2026, 6, 1), new DateOnly(2026, 6, 5));
        }

        // Return within 30 days: 20/40 against 10/40; Wald interval 1.959964 × √(.5·.5/40 + .25·.75/40) = ± 0.20498 > ± 0.15.
        r.Return30.Treated.Mean.Should().Be(0.5);
        r.Return30.Control.Mean.Should().Be(0.25);
        r.Return30.Difference.Should().BeApproximately(0.25, 1e-12);
        r.Return30.High.Should().BeApproximately(0.25 + 1.959964 * Math.Sqrt(0.5 * 0.5 / 40 + 0.25 * 0.75 / 40), 1e-5);
        r.Return30.Enough.Should().BeFalse("± 20 points is wider than the ± 15 points the page accepts: not enough data yet");
        (r.Return30.Treated.N, r.Return30.Control.N).Should().Be((40L, 40L));
        r.Return90.Difference.Should().BeApproximately(0.25, 1e-12);

        // Purchases per member: 1.5 (sample variance 10/39) against 1.25 (7.5/39); Welch: df = 39 × 1914.0625 / 976.5625 = 76.44,
        // t(0.975; 76.44) = 1.99155, half-width = 1.99155 × √((10/39 + 7.5/39) / 40) = 0.21094.
        r.PurchasesPerMember.Difference.Should().BeApproximately(0.25, 1e-12);
        r.PurchasesPerMember.HalfWidth.Should().BeApproximately(1.99155 * Math.Sqrt((10.0 / 39 + 7.5 / 39) / 40), 1e-4);
        r.PurchasesPerMember.Enough.Should().BeTrue();

        // Revenue per member (cents): 15 000 against 12 500; sample variances 25e6 × 40/39 and 18.75e6 × 40/39, the same df.
        r.RevenuePerMember.Treated.Mean.Should().Be(15_000);
        r.RevenuePerMember.Control.Mean.Should().Be(12_500);
        r.RevenuePerMember.HalfWidth.Should().BeApproximately(1.99155 * Math.Sqrt((25e6 * 40 / 39 + 18.75e6 * 40 / 39) / 40), 1.0);
        r.RevenuePerMember.Enough.Should().BeTrue();

        // Every purchase is R$ 100,00: the ticket is the same in both groups, with no spread.
        r.AverageTicket.Difference.Should().Be(0);
        (r.AverageTicket.Treated.N, r.AverageTicket.Control.N).Should().Be((60L, 50L));

        // Incremental revenue = (15 000 − 12 500) × 40 members = R$ 1.000,00, its interval the revenue's × 40.
        r.IncrementalRevenue.Cents.Should().BeApproximately(100_000, 1e-6);
        r.IncrementalRevenue.LowCents.Should().BeApproximately(r.RevenuePerMember.Low * 40, 1e-6);
        r.IncrementalRevenue.TreatedMembers.Should().Be(40);

        // Cost: 60 purchases × 5% of R$ 100,00 = R$ 300,00 given, plus 40 welcome emails × R$ 0,10; ROI = (1 000 − 304) ÷ 304.
        r.ProgramCost.RewardsGivenCents.Should().Be(30_000);
        r.ProgramCost.Emails.Should().Be(40);
        r.ProgramCost.MessagesCents.Should().Be(400);
        r.ProgramCost.TotalCents.Should().Be(30_400);
        r.ReturnOnInvestment!.Value.Should().BeApproximately((100_000 - 30_400) / 30_400.0, 1e-9);
        r.ReturnOnInvestment.Enough.Should().BeTrue();

        // Identified vs walk-in (March): 110 member purchases of R$ 100,00 and the walk-in's R$ 50,00.
        r.Months.Should().ContainSingle().Which.Should().Be(new ResultsReport.Month(new DateOnly(2026, 3, 1), 110, 1_100_000, 1, 5_000));

        // Cohort: the 80 who joined in March all bought in March, none since (April to June).
        r.Cohorts.Should().ContainSingle();
        r.Cohorts[0].Members.Should().Be(80);
        r.Cohorts[0].Retention.Take(5).Should().Equal(1.0, 0.0, 0.0, 0.0, null);

        // Habits: 30 of the 81 customers who bought (the walk-in too) bought twice; each second purchase came 10 days after the first.
        r.RepeatPurchaseRate.Should().BeApproximately(30 / 81.0, 1e-12);
        r.MedianDaysBetweenPurchases.Should().Be(10);

        // Months with nobody measured: no figure, "not enough data yet".
        await using (var scope = t.Scope())
        {
            var empty = await ResultsReport.LoadAsync(scope.Db, new DateOnly(2026, 4, 1), new DateOnly(2026, 6, 1), new DateOnly(2026, 6, 5));
            empty.RevenuePerMember.Enough.Should().BeFalse();
            empty.Return30.Enough.Should().BeFalse();
            empty.IncrementalRevenue.Enough.Should().BeFalse();
            empty.ReturnOnInvestment.Should().BeNull();
        }
    }

    private sealed record RollUpRows(List<ResultCohort> Cohorts, List<ResultCohortMonth> Cells, List<ResultMonth> Months);

    private static Task<RollUpRows> RowsAsync(TestTenant t) => t.WithDbAsync(async db => new RollUpRows(
        await db.Set<ResultCohort>().AsNoTracking().OrderBy(c => c.JoinMonth).ThenBy(c => c.InControlGroup).ToListAsync(),
        await db.Set<ResultCohortMonth>().AsNoTracking().OrderBy(c => c.JoinMonth).ThenBy(c => c.MonthOffset).ToListAsync(),
        await db.Set<ResultMonth>().AsNoTracking().OrderBy(m => m.Month).ToListAsync()));

    private static async Task<RollUpResults.Run> RollUpAsync(TestTenant t, bool full = false)
    {
        await using var scope = t.Scope();
        return await scope.Get<RollUpResults>().ExecuteAsync(t.Id, full);
    }

    /// <summary>The night's incremental roll-up, then a forced full one: both must write exactly the same rows.</summary>
    private static async Task<RollUpRows> SameAsFullAsync(TestTenant t)
    {
        var incremental = await RowsAsync(t);
        (await RollUpAsync(t, full: true)).Full.Should().BeTrue();
        var full = await RowsAsync(t);
        incremental.Cohorts.Should().BeEquivalentTo(full.Cohorts, o => o.WithStrictOrdering());
        incremental.Cells.Should().BeEquivalentTo(full.Cells, o => o.WithStrictOrdering());
        incremental.Months.Should().BeEquivalentTo(full.Months, o => o.WithStrictOrdering());
        full.Cohorts.Should().NotBeEmpty();
        return full;
    }

    [Fact]
    public async Task Each_night_recomputes_only_open_cohorts_and_recent_months_and_writes_what_a_full_recompute_writes()
    {
        fixture.Clock.StartAt(new DateTimeOffset(2026, 1, 5, 15, 0, 0, TimeSpan.Zero));
        var t = await fixture.CreateTenantAsync(SampleRules.Plain(500), name: "Nightly Pharmacy");
        await t.ConfigureAsync(null, OnlyWelcome());
        await t.SetBackdatingWindowAsync(24 * 90);
        await HoldoutAsync(t, emailCostCents: 10);
        fixture.Clock.Advance(TimeSpan.FromHours(1));
        (await RollUpAsync(t)).Full.Should().BeTrue("the first run computes everything");

        var random = new Random(18);
        var members = new List<(Guid Id, int Day)>();
        var purchases = new List<Guid>();
        var first = new Dictionary<Guid, Guid>();
        for (var day = 1; day <= 160; day++)
        {
            fixture.Clock.Advance(TimeSpan.FromDays(1));
            if (day % 3 == 0)
            {
                for (var k = 0; k < 2; k++)
                {
                    var id = await t.MemberAsync($"n{day}-{k}@nightly.test", name: $"Nightly {day} {k}");
                    await SetGroupAsync(t, [id], members.Count % 4 == 3);
                    members.Add((id, day));
                    purchases.Add((await t.BuyAsync(id, 40_00 + random.Next(0, 80) * 100)).PurchaseId);
                    first[id] = purchases[^1];
                }
                await t.DispatchAsync();
            }
            foreach (var (id, joined) in members.Where(m => m.Day < day && random.Next(0, 25) == 0))
                purchases.Add((await t.BuyAsync(id, 30_00 + random.Next(0, 60) * 100)).PurchaseId);
            if (day == 20) await t.RecordAsync(t.Purchase(null, 25_00, phone: LedgerTestKit.NewPhone())); // a walk-in

            var run = await RollUpAsync(t);
            run.Full.Should().BeFalse("day {0}: nothing forces a full recompute", day);
            if (day == 45) await SameAsFullAsync(t);
            if (day == 100)
            {
                // A purchase recorded today but backdated 40 days (6 March), into the first 90 days of a member of an open month of joining.
                var (late, _) = members.First(m => m.Day == 6); // joined 11 January: followed until 10 April, counted, cohort still open
                run.CohortsFrom.Should().Be(new DateOnly(2026, 1, 1), "on 16 April the cohorts of January on are still open");
                var before = await RowsAsync(t);
                fixture.Clock.Advance(TimeSpan.FromHours(1));
                await t.BuyAsync(late, 77_00, occurredAt: t.Now.AddDays(-40));
                (await RollUpAsync(t)).Full.Should().BeFalse();
                var after = await SameAsFullAsync(t);
                after.Cohorts.Sum(c => c.RevenueCents).Should().Be(before.Cohorts.Sum(c => c.RevenueCents) + 77_00);
            }
            if (day == 140)
            {
                // A refund today of the first purchase of a member who joined 19 February (February still open): revenue is net.
                var before = await RowsAsync(t);
                fixture.Clock.Advance(TimeSpan.FromHours(1));
                await t.RefundAsync(first[members.First(m => m.Day == 45).Id], 10_00);
                (await RollUpAsync(t)).Full.Should().BeFalse();
                var after = await SameAsFullAsync(t);
                after.Cohorts.Sum(c => c.RevenueCents).Should().Be(before.Cohorts.Sum(c => c.RevenueCents) - 10_00);
                after.Months.Sum(m => m.IdentifiedRevenueCents).Should().Be(before.Months.Sum(m => m.IdentifiedRevenueCents) - 10_00);
            }
        }

        // 14 June: January and February are final (their members' 91 days ended by the previous night) and kept as they are.
        var kept = await RowsAsync(t);
        var night = await RollUpAsync(t);
        night.CohortsFrom.Should().Be(new DateOnly(2026, 3, 1));
        night.ReopenedCohorts.Should().BeEmpty();
        night.MonthsFrom.Should().Be(new DateOnly(2026, 6, 1));
        (await RowsAsync(t)).Cohorts.Where(c => c.JoinMonth < new DateOnly(2026, 3, 1))
            .Should().BeEquivalentTo(kept.Cohorts.Where(c => c.JoinMonth < new DateOnly(2026, 3, 1)), o => o.WithStrictOrdering());

        // A purchase backdated into a January member's first 90 days reopens January (and the months from its own on).
        var january = members.First(m => m.Day == 3).Id;
        fixture.Clock.Advance(TimeSpan.FromHours(2));
        await t.BuyAsync(january, 55_00, occurredAt: new DateTimeOffset(2026, 3, 20, 15, 0, 0, TimeSpan.Zero));
        night = await RollUpAsync(t);
        night.ReopenedCohorts.Should().Equal(new DateOnly(2026, 1, 1));
        night.MonthsFrom.Should().Be(new DateOnly(2026, 3, 1));
        var reopened = await SameAsFullAsync(t);
        reopened.Cohorts.Where(c => c.JoinMonth == new DateOnly(2026, 1, 1)).Sum(c => c.Purchases)
            .Should().Be(kept.Cohorts.Where(c => c.JoinMonth == new DateOnly(2026, 1, 1)).Sum(c => c.Purchases) + 1);
        reopened.Months.Single(m => m.Month == new DateOnly(2026, 3, 1)).IdentifiedRevenueCents
            .Should().Be(kept.Months.Single(m => m.Month == new DateOnly(2026, 3, 1)).IdentifiedRevenueCents + 55_00);

        // A refund today of a January member's first purchase reopens January too (its month's sales with it).
        var januaryFirst = first[members.First(m => m.Day == 6).Id];
        fixture.Clock.Advance(TimeSpan.FromHours(2));
        await t.RefundAsync(januaryFirst, 5_00);
        night = await RollUpAsync(t);
        night.ReopenedCohorts.Should().Equal(new DateOnly(2026, 1, 1));
        night.MonthsFrom.Should().Be(new DateOnly(2026, 1, 1));
        (await SameAsFullAsync(t)).Cohorts.Where(c => c.JoinMonth == new DateOnly(2026, 1, 1)).Sum(c => c.RevenueCents)
            .Should().Be(reopened.Cohorts.Where(c => c.JoinMonth == new DateOnly(2026, 1, 1)).Sum(c => c.RevenueCents) - 5_00);

        // A time-zone change or new control-group settings recompute everything.
        await HoldoutAsync(t, emailCostCents: 20);
        fixture.Clock.Advance(TimeSpan.FromHours(1));
        (await RollUpAsync(t)).Full.Should().BeTrue();
        (await RollUpAsync(t)).Full.Should().BeFalse();
    }

    [Fact]
    public async Task Revenue_and_ticket_are_net_of_refunds_as_a_campaigns_result()
    {
        fixture.Clock.StartAt(Start);
        var t = await fixture.CreateTenantAsync(SampleRules.Plain(500), name: "Refund Results Pharmacy");
        await HoldoutAsync(t);
        var (a, b, c, d) = (await t.MemberAsync("a@refunds.test"), await t.MemberAsync("b@refunds.test"),
            await t.MemberAsync("c@refunds.test"), await t.MemberAsync("d@refunds.test"));
        await SetGroupAsync(t, [a, b], false);
        await SetGroupAsync(t, [c, d], true);
        var a1 = (await t.BuyAsync(a, 100_00)).PurchaseId;
        await t.BuyAsync(b, 100_00);
        await t.BuyAsync(c, 80_00);
        var d1 = (await t.BuyAsync(d, 80_00)).PurchaseId;
        fixture.Clock.Advance(TimeSpan.FromDays(5));
        await t.BuyAsync(a, 50_00);
        await t.RefundAsync(a1, 20_00); // part of A's first purchase comes back
        await t.RefundAsync(d1, 80_00); // all of D's
        fixture.Clock.Advance(TimeSpan.FromDays(90));

        ResultsReport.Result r;
        await using (var scope = t.Scope())
        {
            await scope.Get<RollUpDailyStats>().ExecuteAsync(t.Id);
            await scope.Get<RollUpResults>().ExecuteAsync(t.Id);
            r = await ResultsReport.LoadAsync(scope.Db, new DateOnly(2026, 3, 1), new DateOnly(2026, 6, 1), new DateOnly(2026, 6, 5));
        }
        // Members: A (100 − 20) + 50 = R$ 130,00 and B R$ 100,00 → R$ 115,00; control: C R$ 80,00 and D 0 → R$ 40,00.
        r.RevenuePerMember.Treated.Mean.Should().Be(11_500);
        r.RevenuePerMember.Control.Mean.Should().Be(4_000);
        r.IncrementalRevenue.Cents.Should().BeApproximately((11_500 - 4_000) * 2, 1e-6);
        // Ticket: the purchases still count (3 and 2), their amounts net: R$ 230,00 ÷ 3 and R$ 80,00 ÷ 2.
        (r.AverageTicket.Treated.N, r.AverageTicket.Control.N).Should().Be((3L, 2L));
        r.AverageTicket.Treated.Mean.Should().BeApproximately(23_000 / 3.0, 1e-9);
        r.AverageTicket.Control.Mean.Should().Be(4_000);
        r.PurchasesPerMember.Treated.Mean.Should().Be(1.5);
        // Identified sales of March: 5 purchases, R$ 410,00 − R$ 100,00 refunded.
        r.Months.Should().ContainSingle().Which.Should().Be(new ResultsReport.Month(new DateOnly(2026, 3, 1), 5, 31_000, 0, 0));
    }

    [Fact]
    public async Task The_group_is_drawn_once_at_join_near_the_share_and_never_redrawn()
    {
        fixture.Clock.StartAt(Start);
        var draws = Enumerable.Range(0, 100_000).Count(_ => ControlGroup.Draw(new ResultsSettings { ControlGroupEnabled = true, ShareBps = 1000, StartsOn = new DateOnly(2026, 3, 2) },
            Start, "America/Sao_Paulo"));
        draws.Should().BeInRange(9_000, 11_000, "10% of 100 000 draws (± 10 standard deviations)");
        ControlGroup.Draw(new ResultsSettings { ControlGroupEnabled = true, ShareBps = 1000, StartsOn = new DateOnly(2026, 3, 3) }, Start, "America/Sao_Paulo")
            .Should().BeFalse("nobody is drawn before the start date");

        var t = await fixture.CreateTenantAsync(SampleRules.Plain(500), name: "Draw Pharmacy");
        var before = await t.MemberAsync("before@draw.test");
        var walkIn = (await t.RecordAsync(t.Purchase(null, 10_00, phone: "+5511970000001"))).Value.CustomerId;
        await HoldoutAsync(t, shareBps: 2000);
        var joined = new List<Guid>();
        for (var i = 0; i < 150; i++) joined.Add(await t.MemberAsync($"m{i}@draw.test"));
        (await t.CustomerAsync(walkIn)).InControlGroup.Should().BeFalse("an unclaimed walk-in has not joined: not drawn yet");
        for (var i = 0; i < 60; i++) // walk-ins who claim are drawn when they join
        {
            var phone = $"+55119700{i + 10:D5}";
            await t.RecordAsync(t.Purchase(null, 10_00, phone: phone));
            joined.Add((await t.JoinAsync(phone: phone, name: $"Claimed {i}")).CustomerId);
        }
        var groups = await t.WithDbAsync(db => db.Customers.Where(c => joined.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.InControlGroup));
        groups.Count(g => g.Value).Should().BeInRange(20, 70, "20% of 210 joins is 42 (σ ≈ 5.8)");
        (await t.CustomerAsync(before)).InControlGroup.Should().BeFalse("who joined before the holdout was not drawn");

        // Turning it off and on again, buying and changing the share: nobody changes group.
        await HoldoutAsync(t, on: false);
        await HoldoutAsync(t, shareBps: 100);
        foreach (var id in joined.Take(30)) await t.BuyAsync(id, 20_00);
        var after = await t.WithDbAsync(db => db.Customers.Where(c => joined.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.InControlGroup));
        after.Should().Equal(groups);
    }

    [Fact]
    public async Task The_control_group_gets_no_automated_messages_while_on_but_its_sign_in_codes()
    {
        fixture.Clock.StartAt(Start);
        var t = await fixture.CreateTenantAsync(SampleRules.Plain(500), name: "Quiet Pharmacy");
        await t.ConfigureAsync(null, Triggers.All.Select(x => new AutomationSetting { Trigger = x.Key, Enabled = x.Key is Triggers.CashbackEarned, Email = true, QuietHours = false }).ToArray());
        await HoldoutAsync(t);
        var member = await t.MemberAsync("member@quiet.test");
        var held = await t.MemberAsync("held@quiet.test");
        await SetGroupAsync(t, [member], false);
        await SetGroupAsync(t, [held], true);
        await t.BuyAsync(member, 50_00);
        await t.BuyAsync(held, 50_00);
        await t.DispatchAsync();
        (await t.MessagesAsync(Triggers.CashbackEarned)).Select(m => m.CustomerId).Should().Equal(member);

        // A transactional message (the portal sign-in code) is not automated: the control group gets it.
        await using (var scope = t.Scope())
            await scope.Get<SendSignInCode>().ExecuteAsync(held, CodePurpose.SignIn);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!fixture.Smtp.Messages.Any(m => m.To.Mailboxes.Any(a => a.Address == "held@quiet.test")) && DateTime.UtcNow < deadline) await Task.Delay(100);
        fixture.Smtp.Messages.Should().Contain(m => m.To.Mailboxes.Any(a => a.Address == "held@quiet.test") && m.Subject!.Contains("código de acesso"));

        // The nightly scans plan in bulk: the same rule.
        await using (var scope = t.Scope())
        {
            var requests = new[] { member, held }.Select(id => new PlanMessages.Request(Triggers.CashbackEarned, id, Guid.NewGuid(), new { })).ToList();
            await PlanMessagesInBulk.PlanAsync(scope.Db, Triggers.CashbackEarned, requests, t.Now);
        }
        (await t.MessagesAsync(Triggers.CashbackEarned)).Select(m => m.CustomerId).Should().Equal(member, member);

        // Off: the measurement ends and the control group gets messages again.
        await HoldoutAsync(t, on: false);
        await t.BuyAsync(held, 30_00);
        await t.DispatchAsync();
        (await t.MessagesAsync(Triggers.CashbackEarned)).Should().Contain(m => m.CustomerId == held);
    }

    [Fact]
    public async Task With_no_boosts_the_control_group_earns_the_base_rate_on_boosted_days()
    {
        fixture.Clock.StartAt(Start);
        var rules = SampleRules.Plain(500);
        rules.Boosts = [new Boost { Name = "Every day double", RateBps = 1000, Weekdays = Enum.GetValues<DayOfWeek>().ToList() }];
        var t = await fixture.CreateTenantAsync(rules, name: "Boost Pharmacy");
        await HoldoutAsync(t, noBoosts: true);
        var member = await t.MemberAsync("member@boost.test");
        var held = await t.MemberAsync("held@boost.test");
        await SetGroupAsync(t, [member], false);
        await SetGroupAsync(t, [held], true);
        (await t.BuyAsync(member, 100_00)).EarnedCents.Should().Be(10_00, "members get the boost");
        (await t.BuyAsync(held, 100_00)).EarnedCents.Should().Be(5_00, "the control group earns the base rate");
        await HoldoutAsync(t, noBoosts: false);
        (await t.BuyAsync(held, 100_00)).EarnedCents.Should().Be(10_00, "without the option the control group gets boosts too");

        // The settings are kept by the configuration cache: a change behind the app's back (another node, a script) is in
        // force once its notification arrives.
        var cache = fixture.App.Services.GetRequiredService<Smartbis.Web.Data.Caching.ConfigCache>();
        var heard = cache.Heard;
        await using (var admin = new Npgsql.NpgsqlConnection(fixture.Factory.ConnectionString))
        {
            await admin.OpenAsync();
            await using var change = new Npgsql.NpgsqlCommand("UPDATE results_settings SET no_boosts = true WHERE tenant_id = @t", admin);
            change.Parameters.AddWithValue("t", t.Id);
            (await change.ExecuteNonQueryAsync()).Should().BePositive();
        }
        if (cache.Enabled)
            for (var i = 0; i < 100 && cache.Heard == heard; i++) await Task.Delay(20);
        (await t.BuyAsync(held, 100_00)).EarnedCents.Should().Be(5_00, "the change made elsewhere is in force");
    }

    [Fact]
    public async Task Bad_settings_are_refused_per_field_and_change_nothing()
    {
        fixture.Clock.StartAt(Start);
        var t = await fixture.CreateTenantAsync(SampleRules.Plain(500), name: "Settings Pharmacy");
        var today = Overview.Today(t.Now, "America/Sao_Paulo");
        var bad = new SaveResultsSettings.Request(true, 5_000, false, today.AddDays(-1), -1, 2_000);
        var refusal = await FluentActions.Awaiting(() => t.RunAsync<SaveResultsSettings, ResultsSettings>(s => s.ExecuteAsync(bad, null, AuditActor.System)))
            .Should().ThrowAsync<OperationFailed>();
        refusal.Which.Errors.Keys.Should().BeEquivalentTo("ShareBps", "StartsOn", "EmailCostCents", "WhatsAppCostCents");
        (await t.WithDbAsync(db => db.Set<ResultsSettings>().CountAsync())).Should().Be(0);
        var missing = new SaveResultsSettings.Request(true, 1_000, false, null, 0, 0);
        (await FluentActions.Awaiting(() => t.RunAsync<SaveResultsSettings, ResultsSettings>(s => s.ExecuteAsync(missing, null, AuditActor.System)))
            .Should().ThrowAsync<OperationFailed>()).Which.Errors.Keys.Should().Equal("StartsOn");

        // On today; later, a change of share keeps the start in the past; off keeps the share on record; all audited.
        await HoldoutAsync(t);
        fixture.Clock.Advance(TimeSpan.FromDays(3));
        await t.RunAsync<SaveResultsSettings, ResultsSettings>(s => s.ExecuteAsync(new SaveResultsSettings.Request(true, 500, true, today, 0, 0), null, AuditActor.System));
        await HoldoutAsync(t, on: false);
        var versions = await t.WithDbAsync(db => db.Set<ResultsSettings>().OrderBy(v => v.Version).ToListAsync());
        versions.Select(v => (v.ControlGroupEnabled, v.ShareBps, v.StartsOn)).Should().Equal((true, 1000, today), (true, 500, today), (false, 500, today));
        var periods = ControlGroup.Periods(versions, "America/Sao_Paulo");
        periods.Should().ContainSingle().Which.Should().Be(new ControlGroup.Period(Start, Start.AddDays(3), 500, true));
        (await t.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(a => a.Action == "results.settings_saved"))).Should().Be(3);
    }
}
