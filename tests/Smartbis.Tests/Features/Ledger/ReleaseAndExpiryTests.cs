using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Ledger;

namespace Smartbis.Tests.Features.Ledger;

/// <summary>Pending credit becomes available after the pending period; available credit expires per lot, the soonest-expiring spent first.</summary>
public sealed class ReleaseAndExpiryTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    [Fact]
    public async Task Pending_credit_is_released_once_when_its_period_ends_each_lot_on_its_own_date()
    {
        var rules = SampleRules.Plain();
        rules.PendingDays = 3;
        rules.ExpiryDays = 30;
        var shop = await NewTenantAsync(rules);
        var ana = await shop.EnrollAsync();
        await shop.BuyAsync(ana, 100_00);           // day 0: 5,00 available on day 3
        Clock.Advance(TimeSpan.FromDays(2));
        await shop.BuyAsync(ana, 40_00);            // day 2: 2,00 available on day 5

        Clock.Advance(TimeSpan.FromDays(1));        // day 3
        (await shop.ReleaseAsync()).Should().Be(1);
        (await shop.ReleaseAsync()).Should().Be(0, "running the job twice releases nothing twice");
        (await shop.BalancesAsync(ana)).Should().Be(new Balances(2_00, 5_00, 0, 0));

        Clock.Advance(TimeSpan.FromDays(2));        // day 5
        (await Task.WhenAll(shop.ReleaseAsync(), shop.ReleaseAsync(), shop.ReleaseAsync())).Sum().Should().Be(1, "concurrent runs release each lot once");
        (await shop.BalancesAsync(ana)).Should().Be(new Balances(0, 7_00, 0, 0));
        var lots = await shop.LotsAsync(ana);
        lots.Select(l => (l.Status, l.RemainingCents, l.ExpiresAt)).Should().Equal(
            (LotStatus.Available, 5_00L, Clock.Now.AddDays(-5 + 3 + 30)),
            (LotStatus.Available, 2_00L, Clock.Now.AddDays(30)));
        (await shop.EntriesAsync(ana)).Count(e => e.Kind == EntryKind.Release).Should().Be(2);
    }

    [Fact]
    public async Task Credit_expires_lot_by_lot_after_its_expiry_days_and_spending_takes_the_oldest_lot_first()
    {
        var rules = SampleRules.Plain();
        rules.ExpiryDays = 30;
        var shop = await NewTenantAsync(rules);
        var ana = await shop.EnrollAsync();
        await shop.BuyAsync(ana, 200_00);          // day 0: lot A 10,00, expires day 30
        Clock.Advance(TimeSpan.FromDays(10));
        await shop.BuyAsync(ana, 100_00);          // day 10: lot B 5,00, expires day 40
        Clock.Advance(TimeSpan.FromDays(1));
        await shop.BuyAsync(ana, 6_00, payWithCashbackCents: 6_00); // day 11: spends 6,00 of lot A

        Clock.Advance(TimeSpan.FromDays(19) - TimeSpan.FromSeconds(1)); // a second before lot A expires
        (await shop.ExpireAsync()).LotsExpired.Should().Be(0);

        Clock.Advance(TimeSpan.FromSeconds(1));    // day 30
        var first = await shop.ExpireAsync();
        first.Should().Be(new ExpireCredits.Result(LotsExpired: 1, LotCents: 4_00, VouchersExpired: 0, VoucherCents: 0),
            "what is left of the oldest lot (10,00 − 6,00) expires; the newer lot is untouched");
        (await shop.BalancesAsync(ana)).AvailableCents.Should().Be(5_00);

        Clock.Advance(TimeSpan.FromDays(10));      // day 40
        (await shop.ExpireAsync()).LotCents.Should().Be(5_00);
        (await shop.ExpireAsync()).LotsExpired.Should().Be(0, "running the job twice expires nothing twice");
        (await shop.BalancesAsync(ana)).Should().Be(new Balances(0, 0, 0, 0));
        var expiries = (await shop.EntriesAsync(ana)).Where(e => e.Kind == EntryKind.Expire).Select(e => e.AvailableDeltaCents);
        expiries.Should().Equal(-4_00, -5_00);
    }

    [Fact]
    public async Task Spending_takes_the_lot_that_expires_soonest_even_when_it_is_not_the_oldest()
    {
        var rules = SampleRules.Plain();
        rules.ExpiryDays = 180;
        var shop = await NewTenantAsync(rules);
        var ana = await shop.EnrollAsync();
        await shop.BuyAsync(ana, 200_00);          // lot A: 10,00, expires day 180
        Clock.Advance(TimeSpan.FromDays(1));
        var shorter = SampleRules.Plain();
        shorter.ExpiryDays = 10;
        await shop.SaveRulesAsync(shorter);
        await shop.BuyAsync(ana, 100_00);          // lot B: 5,00, expires day 11 — sooner than A

        await shop.BuyAsync(ana, 7_00, payWithCashbackCents: 7_00);

        var lots = await shop.LotsAsync(ana);
        lots.Select(l => (l.AmountCents, l.RemainingCents, l.Status)).Should().Equal(
            (10_00L, 8_00L, LotStatus.Available),
            (5_00L, 0L, LotStatus.Spent));
        Clock.Advance(TimeSpan.FromDays(10));
        (await shop.ExpireAsync()).LotsExpired.Should().Be(0, "the soon-expiring lot was spent first, so nothing was lost");
        (await shop.BalancesAsync(ana)).AvailableCents.Should().Be(8_00);
    }

    [Fact]
    public async Task Credit_that_never_expires_is_spent_last_and_never_expires()
    {
        var shop = await NewTenantAsync(SampleRules.Plain()); // no expiry
        var ana = await shop.EnrollAsync();
        await shop.BuyAsync(ana, 100_00);          // lot A: 5,00, never expires
        var expiring = SampleRules.Plain();
        expiring.ExpiryDays = 30;
        await shop.SaveRulesAsync(expiring);
        await shop.BuyAsync(ana, 100_00);          // lot B: 5,00, expires day 30

        await shop.BuyAsync(ana, 3_00, payWithCashbackCents: 3_00);
        Clock.Advance(TimeSpan.FromDays(3650));
        var expired = await shop.ExpireAsync();

        expired.LotCents.Should().Be(2_00, "the expiring lot was spent first; its rest expired");
        (await shop.BalancesAsync(ana)).AvailableCents.Should().Be(5_00);
    }

    [Fact]
    public async Task Credit_past_its_expiry_cannot_be_spent_even_before_the_expiry_job_runs()
    {
        var rules = SampleRules.Plain();
        rules.ExpiryDays = 30;
        var shop = await NewTenantAsync(rules);
        var ana = await shop.EnrollAsync();
        await shop.BuyAsync(ana, 100_00);          // day 0: lot A 5,00, expires day 30
        Clock.Advance(TimeSpan.FromDays(20));
        await shop.BuyAsync(ana, 60_00);           // day 20: lot B 3,00, expires day 50
        Clock.Advance(TimeSpan.FromDays(10));      // day 30: lot A is past its date; the expiry job has not run

        var refusal = await LedgerTestKit.ShouldFailAsync(() => shop.BuyAsync(ana, 4_00, payWithCashbackCents: 4_00), "insufficient_balance");
        refusal.Message.Should().Contain("3,00", "only lot B can still be used");
        await LedgerTestKit.ShouldFailAsync(() => shop.AdjustAsync(ana, -4_00, "Correction"), "insufficient_balance");

        var paid = await shop.BuyAsync(ana, 2_00, payWithCashbackCents: 2_00);

        paid.Balances.Should().Be(new Balances(0, 1_00, 0, 0), "lot A expired when the credit was spent; 2,00 of lot B paid");
        var entries = (await shop.EntriesAsync(ana)).Where(e => e.CreatedAt == Clock.Now).Select(e => (e.Kind, e.AvailableDeltaCents));
        entries.Should().BeEquivalentTo([(EntryKind.Expire, -5_00L), (EntryKind.Redeem, -2_00L)]);
        (await shop.ExpireAsync()).LotsExpired.Should().Be(0, "nothing is left for the job");
    }

    [Fact]
    public async Task Credit_past_its_expiry_is_not_turned_into_a_voucher_even_before_the_expiry_job_runs()
    {
        var rules = SampleRules.Velluto();
        rules.PendingDays = 0;
        rules.ExpiryDays = 10;
        var shop = await NewTenantAsync(rules);
        var ana = await shop.EnrollAsync();
        await shop.BuyAsync(ana, 400_00);          // 20,00 available, expires day 10
        Clock.Advance(TimeSpan.FromDays(10));

        (await shop.IssueVouchersAsync()).VouchersIssued.Should().Be(0, "the credit expired; it must not become a voucher valid 30 more days");

        (await shop.BalancesAsync(ana)).Should().Be(new Balances(0, 0, 0, 0));
        (await shop.EntriesAsync(ana)).Select(e => e.Kind).Should().Equal(EntryKind.Earn, EntryKind.Expire);
    }

    [Fact]
    public async Task Pending_credit_does_not_expire_before_it_has_been_available_for_its_expiry_days()
    {
        var shop = await NewTenantAsync(SampleRules.Velluto()); // pending 7, expiry 90
        var ana = await shop.EnrollAsync();
        await shop.BuyAsync(ana, 100_00);

        Clock.Advance(TimeSpan.FromDays(90));
        (await shop.ReleaseAsync()).Should().Be(1);
        (await shop.ExpireAsync()).LotsExpired.Should().Be(0, "it expires 90 days after it became available (day 97), not after it was earned");
        Clock.Advance(TimeSpan.FromDays(7));
        (await shop.ExpireAsync()).LotCents.Should().Be(5_00);
        (await shop.BalancesAsync(ana)).Should().Be(new Balances(0, 0, 0, 0));
    }

    [Fact]
    public async Task Vouchers_past_their_validity_expire_and_their_value_leaves_the_voucher_bucket()
    {
        var rules = SampleRules.Velluto();
        rules.PendingDays = 0;
        var shop = await NewTenantAsync(rules);
        var ana = await shop.EnrollAsync();
        await shop.BuyAsync(ana, 400_00);
        (await shop.IssueVouchersAsync()).VouchersIssued.Should().Be(1);

        Clock.Advance(TimeSpan.FromDays(30));
        var expired = await shop.ExpireAsync();

        expired.Should().Be(new ExpireCredits.Result(0, 0, 1, 20_00));
        (await shop.BalancesAsync(ana)).Should().Be(new Balances(0, 0, 0, 0));
        (await shop.VouchersAsync(ana)).Single().Status.Should().Be(Smartbis.Web.Features.Vouchers.VoucherStatus.Expired);
        var code = (await shop.VouchersAsync(ana)).Single().Code;
        await LedgerTestKit.ShouldFailAsync(() => shop.RedeemVoucherAsync(code), "voucher_expired");
    }
}
