using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Referrals;

namespace Smartbis.Tests.Referrals;

/// <summary>
/// A referred member qualifies with a first purchase at or above the minimum: the referrer gets the referral reward,
/// the referee the referee reward, once per referee, within the monthly cap; self-referral and known customers earn nothing.
/// </summary>
public sealed class ReferralQualificationTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    private static ProgramRules Rules(int cap = 0)
    {
        var r = SampleRules.Plain(); // 5%, available at once
        r.ReferrerRewardCents = 10_00;
        r.RefereeRewardCents = 5_00;
        r.ReferralMinPurchaseCents = 50_00;
        r.ReferralMonthlyCap = cap;
        return r;
    }

    private static Task<EnrollCustomer.Result> JoinReferredAsync(TestTenant t, string referralCode, string? phone = null) =>
        t.RunAsync<EnrollCustomer, EnrollCustomer.Result>(e => e.ExecuteAsync(
            new EnrollCustomer.Request("Bia Souza", phone ?? LedgerTestKit.NewPhone(), null, ReferralCode: referralCode)));

    [Fact]
    public async Task A_first_purchase_at_the_minimum_rewards_both_once_and_commits_with_the_purchase()
    {
        var t = await NewTenantAsync(Rules());
        var referrer = await t.JoinAsync(name: "Ana Lima");
        var referee = await JoinReferredAsync(t, referrer.ReferralCode.ToLowerInvariant());

        var below = await t.BuyAsync(referee.CustomerId, 49_99);
        (await t.BalancesAsync(referrer.CustomerId)).AvailableCents.Should().Be(0, "R$ 49,99 is under the R$ 50,00 minimum");
        below.Balances.AvailableCents.Should().Be(2_50);

        var first = await t.BuyAsync(referee.CustomerId, 50_00);

        first.Balances.AvailableCents.Should().Be(2_50 + 2_50 + 5_00, "cashback of both purchases plus the referee reward");
        (await t.BalancesAsync(referrer.CustomerId)).AvailableCents.Should().Be(10_00);
        var decision = await t.WithDbAsync(db => db.Referrals.AsNoTracking().SingleAsync(r => r.RefereeId == referee.CustomerId));
        (decision.Outcome, decision.ReferrerId, decision.PurchaseId, decision.ReferrerRewardCents, decision.RefereeRewardCents)
            .Should().Be((ReferralOutcome.Rewarded, referrer.CustomerId, first.PurchaseId, 10_00L, 5_00L));
        (await t.EntriesAsync(referrer.CustomerId)).Should().ContainSingle(e => e.Kind == EntryKind.ReferralBonus && e.AvailableDeltaCents == 10_00)
            .Which.Reason.Should().Contain("Bia");
        (await t.EntriesAsync(referee.CustomerId)).Should().ContainSingle(e => e.Kind == EntryKind.WelcomeBonus && e.AvailableDeltaCents == 5_00);
        (await t.WithDbAsync(db => db.OutboxEvents.CountAsync(e => e.Type == QualifyReferral.ReferralRewarded))).Should().Be(1);

        await t.BuyAsync(referee.CustomerId, 200_00);
        (await t.BalancesAsync(referrer.CustomerId)).AvailableCents.Should().Be(10_00, "a referee qualifies once");
        (await t.EntriesAsync(referee.CustomerId)).Count(e => e.Kind == EntryKind.WelcomeBonus).Should().Be(1);
    }

    [Fact]
    public async Task Parallel_first_purchases_of_one_referee_reward_once()
    {
        var t = await NewTenantAsync(Rules());
        var referrer = await t.JoinAsync();
        var referee = await JoinReferredAsync(t, referrer.ReferralCode);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => t.BuyAsync(referee.CustomerId, 100_00))));

        (await t.BalancesAsync(referrer.CustomerId)).AvailableCents.Should().Be(10_00);
        (await t.BalancesAsync(referee.CustomerId)).AvailableCents.Should().Be(4 * 5_00 + 5_00);
        (await t.WithDbAsync(db => db.Referrals.CountAsync())).Should().Be(1);
    }

    [Fact]
    public async Task Self_referral_earns_nothing()
    {
        var t = await NewTenantAsync(Rules());
        var me = await t.JoinAsync(email: "self@example.com");
        // The only way left to "refer yourself" is your own record: phone, email and CPF are unique per tenant.
        await using (var scope = t.Scope())
        {
            var c = await scope.Db.Customers.SingleAsync(x => x.Id == me.CustomerId);
            c.ReferredByCustomerId = c.Id;
            await scope.Db.SaveChangesAsync();
        }

        var purchase = await t.BuyAsync(me.CustomerId, 100_00);

        purchase.Balances.AvailableCents.Should().Be(5_00, "only the cashback");
        var decision = await t.WithDbAsync(db => db.Referrals.AsNoTracking().SingleAsync());
        decision.Outcome.Should().Be(ReferralOutcome.NotQualified);
        (decision.ReferrerRewardCents, decision.RefereeRewardCents).Should().Be((0L, 0L));
    }

    [Fact]
    public void Same_phone_email_or_cpf_is_the_same_person()
    {
        Customer Person(string? phone = null, string? email = null, string? cpf = null) =>
            new() { CardCode = "C", ReferralCode = "R", Phone = phone, Email = email, Cpf = cpf };
        QualifyReferral.IsSamePerson(Person("+5511999990000"), Person("+5511999990000")).Should().BeTrue();
        QualifyReferral.IsSamePerson(Person(email: "a@x.com"), Person(email: "a@x.com")).Should().BeTrue();
        QualifyReferral.IsSamePerson(Person(cpf: "52998224725"), Person(cpf: "52998224725")).Should().BeTrue();
        QualifyReferral.IsSamePerson(Person("+5511999990000", "a@x.com"), Person("+5511999990001", "b@x.com")).Should().BeFalse();
    }

    [Fact]
    public async Task A_walk_in_already_known_before_the_referral_earns_nothing()
    {
        var t = await NewTenantAsync(Rules());
        var referrer = await t.JoinAsync();
        var phone = LedgerTestKit.NewPhone();
        var walkIn = await t.RecordAsync(t.Purchase(null, 80_00, phone: phone));
        Clock.Advance(TimeSpan.FromDays(3));

        var joined = await JoinReferredAsync(t, referrer.ReferralCode, phone);
        joined.ClaimedWalkIn.Should().BeTrue();
        await t.BuyAsync(joined.CustomerId, 100_00);

        (await t.BalancesAsync(referrer.CustomerId)).AvailableCents.Should().Be(0);
        (await t.BalancesAsync(joined.CustomerId)).AvailableCents.Should().Be(4_00 + 5_00, "only cashback");
        (await t.WithDbAsync(db => db.Referrals.AsNoTracking().SingleAsync())).Outcome.Should().Be(ReferralOutcome.NotQualified);
        walkIn.Value.CustomerId.Should().Be(joined.CustomerId);
    }

    [Fact]
    public async Task The_monthly_cap_per_referrer_holds_and_resets_next_month()
    {
        var t = await NewTenantAsync(Rules(cap: 2));
        Clock.StartAt(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero));
        var referrer = await t.JoinAsync();
        var referees = new List<Guid>();
        for (var i = 0; i < 3; i++) referees.Add((await JoinReferredAsync(t, referrer.ReferralCode)).CustomerId);

        foreach (var r in referees) await t.BuyAsync(r, 60_00);

        (await t.BalancesAsync(referrer.CustomerId)).AvailableCents.Should().Be(2 * 10_00, "at most 2 rewards a month");
        (await t.BalancesAsync(referees[2])).AvailableCents.Should().Be(3_00 + 5_00, "the referee still gets their reward");
        (await t.WithDbAsync(db => db.Referrals.AsNoTracking().SingleAsync(r => r.RefereeId == referees[2]))).Outcome.Should().Be(ReferralOutcome.CapReached);

        Clock.StartAt(new DateTimeOffset(2026, 4, 1, 12, 0, 0, TimeSpan.Zero));
        var april = (await JoinReferredAsync(t, referrer.ReferralCode)).CustomerId;
        await t.BuyAsync(april, 60_00);
        (await t.BalancesAsync(referrer.CustomerId)).AvailableCents.Should().Be(3 * 10_00, "a new month, a new allowance");
    }

    [Fact]
    public async Task A_program_without_referral_rewards_records_nothing()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var referrer = await t.JoinAsync();
        var referee = await JoinReferredAsync(t, referrer.ReferralCode);
        await t.BuyAsync(referee.CustomerId, 100_00);
        (await t.WithDbAsync(db => db.Referrals.CountAsync())).Should().Be(0);
        (await t.BalancesAsync(referrer.CustomerId)).AvailableCents.Should().Be(0);
    }
}
