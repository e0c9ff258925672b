using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Tests.Features.Purchases;

/// <summary>A refund reverses the cashback of the refunded amount: pending first, then available, the rest as clawback.</summary>
public sealed class RefundPurchaseTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    [Fact]
    public async Task Refund_after_redemption_leaves_a_clawback_not_a_negative_balance()
    {
        var shop = await NewTenantAsync(SampleRules.Plain());
        var ana = await shop.EnrollAsync();
        var purchase = await shop.BuyAsync(ana, 100_00);                     // 5,00 available
        await shop.BuyAsync(ana, 5_00, payWithCashbackCents: 5_00);          // all of it spent

        var refund = await shop.RefundAsync(purchase.PurchaseId, 100_00);

        refund.ReversedEarnCents.Should().Be(5_00);
        refund.ClawbackCents.Should().Be(5_00);
        refund.Balances.Should().Be(new Balances(PendingCents: 0, AvailableCents: 0, ClawbackCents: 5_00, VoucherCents: 0));
        var account = await shop.WithDbAsync(db => db.Accounts.AsNoTracking().SingleAsync(a => a.CustomerId == ana));
        (account.AvailableCents >= 0 && account.PendingCents >= 0).Should().BeTrue();

        var next = await shop.BuyAsync(ana, 60_00);                          // earns 3,00: all of it settles the clawback
        next.ClawbackOffsetCents.Should().Be(3_00);
        next.Balances.Should().Be(new Balances(0, 0, 2_00, 0));
        (await shop.BuyAsync(ana, 60_00)).Balances.Should().Be(new Balances(0, 1_00, 0, 0));
    }

    [Fact]
    public async Task A_refund_reverses_pending_credit_before_available_credit()
    {
        var rules = SampleRules.Plain();
        rules.PendingDays = 7;
        var shop = await NewTenantAsync(rules);
        var ana = await shop.EnrollAsync();
        var old = await shop.BuyAsync(ana, 100_00);
        Clock.Advance(TimeSpan.FromDays(7));
        await shop.ReleaseAsync();                                           // 5,00 available (old purchase)
        await shop.BuyAsync(ana, 40_00);                                     // 2,00 pending (new purchase)

        var refund = await shop.RefundAsync(old.PurchaseId, 100_00);

        refund.ReversedEarnCents.Should().Be(5_00);
        refund.Balances.Should().Be(new Balances(PendingCents: 0, AvailableCents: 2_00, ClawbackCents: 0, VoucherCents: 0),
            "5,00 is reversed: the 2,00 pending first, then 3,00 of the available");
        var reversals = (await shop.EntriesAsync(ana)).Where(e => e.Kind == EntryKind.Reverse).ToList();
        reversals.Select(e => (e.PendingDeltaCents, e.AvailableDeltaCents)).Should().BeEquivalentTo([(-2_00L, 0L), (0L, -3_00L)]);
    }

    [Theory]
    [InlineData(100_01, 500, new long[] { 50_00, 50_01 })]        // earned 5,0005 → 5,00; halves 2,49975… and 2,50025…
    [InlineData(100_10, 500, new long[] { 50_05, 50_05 })]        // earned 5,005 → 5,01; each half is 2,505 → 2,51 + 2,50
    [InlineData(99_99, 333, new long[] { 33_33, 33_33, 33_33 })]  // earned 3,329667 → 3,33 in thirds
    [InlineData(1_00, 500, new long[] { 1, 1, 1, 97 })]           // earned 0,05; a cent at a time rounds to 0 alone
    public async Task Partial_refunds_that_add_up_to_the_whole_reverse_exactly_the_cashback_earned(long amount, int rateBps, long[] refunds)
    {
        var shop = await NewTenantAsync(SampleRules.Plain(rateBps));
        var ana = await shop.EnrollAsync();
        var purchase = await shop.BuyAsync(ana, amount);
        purchase.EarnedCents.Should().Be(Money.PercentHalfUp(amount, rateBps));

        var reversed = new List<long>();
        foreach (var part in refunds) reversed.Add((await shop.RefundAsync(purchase.PurchaseId, part)).ReversedEarnCents);

        reversed.Sum().Should().Be(purchase.EarnedCents, "no cent created or lost by rounding: {0}", string.Join(" + ", reversed));
        for (var i = 0; i < refunds.Length; i++)
        {
            // Each refund reverses the cumulative share, rounded half-up, less what was reversed before.
            var cumulative = Money.DivideHalfUp((Int128)purchase.EarnedCents * refunds.Take(i + 1).Sum(), amount);
            reversed.Take(i + 1).Sum().Should().Be(cumulative);
        }
        (await shop.BalancesAsync(ana)).Should().Be(new Balances(0, 0, 0, 0));
        await LedgerTestKit.ShouldFailAsync(() => shop.RefundAsync(purchase.PurchaseId, 1), "over_refund");
    }

    [Fact]
    public async Task Partial_refunds_in_random_parts_always_reverse_exactly_what_was_earned()
    {
        var random = new Random(20261123);
        var shop = await NewTenantAsync(SampleRules.Plain(733));
        var ana = await shop.EnrollAsync();
        for (var round = 0; round < 8; round++)
        {
            var amount = random.NextInt64(1, 500_00);
            var purchase = await shop.BuyAsync(ana, amount);
            var left = amount;
            long reversed = 0;
            while (left > 0)
            {
                var part = random.Next(3) == 0 ? left : random.NextInt64(1, left + 1);
                reversed += (await shop.RefundAsync(purchase.PurchaseId, part)).ReversedEarnCents;
                left -= part;
            }
            reversed.Should().Be(purchase.EarnedCents, $"purchase of {amount} cents at 7.33%");
        }
        (await shop.BalancesAsync(ana)).Should().Be(new Balances(0, 0, 0, 0));
    }

    [Fact]
    public async Task Refunding_part_of_a_purchase_paid_partly_with_cashback_returns_that_share_of_the_cashback()
    {
        var litoral = await NewTenantAsync(SampleRules.LitoralCash());
        var joao = await litoral.EnrollAsync();
        await litoral.BuyAsync(joao, 400_00);                                           // 20,00 available
        var paid = await litoral.BuyAsync(joao, 100_00, payWithCashbackCents: 20_00);   // earns 4,00 on 80,00
        paid.Balances.Should().Be(new Balances(0, 4_00, 0, 0));

        var half = await litoral.RefundAsync(paid.PurchaseId, 50_00);

        half.ReturnedCreditCents.Should().Be(10_00, "half the purchase was refunded, so half the cashback that paid for it comes back");
        half.ReversedEarnCents.Should().Be(2_00);
        half.MoneyToReturnCents.Should().Be(40_00);
        half.Balances.Should().Be(new Balances(0, 4_00 + 10_00 - 2_00, 0, 0));

        var rest = await litoral.RefundAsync(paid.PurchaseId, 50_00);
        (rest.ReturnedCreditCents, rest.ReversedEarnCents, rest.MoneyToReturnCents, rest.RefundedTotalCents).Should().Be((10_00L, 2_00L, 40_00L, 100_00L));
        rest.Balances.Should().Be(new Balances(0, 20_00, 0, 0), "back to where the customer was before the purchase");
    }

    [Fact]
    public async Task Refunding_more_than_is_left_is_refused_and_writes_nothing()
    {
        var shop = await NewTenantAsync(SampleRules.Plain());
        var ana = await shop.EnrollAsync();
        var purchase = await shop.BuyAsync(ana, 100_00);
        await shop.RefundAsync(purchase.PurchaseId, 60_00);
        var before = await shop.RowCountsAsync();

        var refusal = await LedgerTestKit.ShouldFailAsync(() => shop.RefundAsync(purchase.PurchaseId, 40_01), "over_refund");

        refusal.Message.Should().Contain("40,00");
        (await shop.RowCountsAsync()).Should().Be(before);
        await LedgerTestKit.ShouldFailAsync(() => shop.RefundAsync(Guid.NewGuid(), 1_00), "not_found");
    }

    [Fact]
    public async Task A_refund_retried_with_the_same_key_is_applied_once()
    {
        var shop = await NewTenantAsync(SampleRules.Plain());
        var ana = await shop.EnrollAsync();
        var purchase = await shop.BuyAsync(ana, 100_00);
        var request = new Smartbis.Web.Features.Purchases.RefundPurchase.Request(purchase.PurchaseId, 30_00, "Damaged", LedgerTestKit.NewKey());

        var results = new List<Idempotent<Smartbis.Web.Features.Purchases.RefundPurchase.Result>>();
        for (var i = 0; i < 3; i++)
            results.Add(await shop.RunAsync<Smartbis.Web.Features.Purchases.RefundPurchase, Idempotent<Smartbis.Web.Features.Purchases.RefundPurchase.Result>>(r => r.ExecuteAsync(request)));

        results.Select(r => r.Replayed).Should().Equal(false, true, true);
        results.Select(r => r.Value).Distinct().Should().ContainSingle();
        (await shop.WithDbAsync(db => db.PurchaseRefunds.CountAsync())).Should().Be(1);
        (await shop.BalancesAsync(ana)).AvailableCents.Should().Be(5_00 - 1_50);
    }
}
