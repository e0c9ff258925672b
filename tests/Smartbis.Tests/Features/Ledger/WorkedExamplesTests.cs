using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Purchases;
using Smartbis.Web.Features.Vouchers;

namespace Smartbis.Tests.Features.Ledger;

/// <summary>
/// The worked examples of docs/ledger.md, with its exact numbers, for the two reference programs.
/// Velluto: 5%, pending 7 days, expiry 90 days, a R$ 20,00 voucher at R$ 20,00 (valid 30 days), "prescription" excluded.
/// LitoralCash: 5%, available at once, expiry 180 days, no vouchers, redeem from R$ 10,00, at most half a purchase.
/// </summary>
public sealed class WorkedExamplesTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    // ---- Velluto ----

    [Fact]
    public async Task Velluto_a_100_reais_purchase_earns_5_reais_pending_available_in_7_days()
    {
        var velluto = await NewTenantAsync(SampleRules.Velluto());
        var maria = await velluto.EnrollAsync("Maria");
        var now = Clock.Now;

        var purchase = await velluto.BuyAsync(maria, 100_00);

        purchase.EarnedCents.Should().Be(5_00);
        purchase.RateBps.Should().Be(500);
        purchase.AvailableAt.Should().Be(now.AddDays(7));
        purchase.ExpiresAt.Should().Be(now.AddDays(7 + 90), "expiry counts from when the credit becomes available");
        purchase.Balances.Should().Be(new Balances(PendingCents: 5_00, AvailableCents: 0, ClawbackCents: 0, VoucherCents: 0));
        (await velluto.BalancesAsync(maria)).Should().Be(purchase.Balances);
    }

    [Fact]
    public async Task Velluto_b_seven_days_later_the_5_reais_become_available()
    {
        var velluto = await NewTenantAsync(SampleRules.Velluto());
        var maria = await velluto.EnrollAsync("Maria");
        await velluto.BuyAsync(maria, 100_00);

        Clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        (await velluto.ReleaseAsync()).Should().Be(0, "a second before the pending period ends nothing is released");
        (await velluto.BalancesAsync(maria)).PendingCents.Should().Be(5_00);

        Clock.Advance(TimeSpan.FromSeconds(1));
        (await velluto.ReleaseAsync()).Should().Be(1);

        (await velluto.BalancesAsync(maria)).Should().Be(new Balances(0, 5_00, 0, 0));
        (await velluto.EntriesAsync(maria)).Select(e => e.Kind).Should().Equal(EntryKind.Earn, EntryKind.Release);
    }

    [Fact]
    public async Task Velluto_c_four_released_purchases_make_one_20_reais_voucher_and_available_goes_to_zero()
    {
        var velluto = await NewTenantAsync(SampleRules.Velluto());
        var maria = await velluto.EnrollAsync("Maria");
        var voucherBefore = await IssueFirstVoucherAsync(velluto, maria);

        voucherBefore.ValueCents.Should().Be(20_00);
        voucherBefore.Status.Should().Be(VoucherStatus.Issued);
        voucherBefore.ExpiresAt.Should().Be(Clock.Now.AddDays(30));
        (await velluto.BalancesAsync(maria)).Should().Be(new Balances(PendingCents: 0, AvailableCents: 0, ClawbackCents: 0, VoucherCents: 20_00));
        (await velluto.IssueVouchersAsync()).VouchersIssued.Should().Be(0, "running the job again issues nothing more");
    }

    [Fact]
    public async Task Velluto_d_paying_20_reais_of_a_120_reais_purchase_with_the_voucher_earns_5_reais_on_the_100_paid()
    {
        var velluto = await NewTenantAsync(SampleRules.Velluto());
        var maria = await velluto.EnrollAsync("Maria");
        var voucher = await IssueFirstVoucherAsync(velluto, maria);

        var purchase = await velluto.BuyAsync(maria, 120_00, voucherCode: Smartbis.Web.Infrastructure.Codes.Display(voucher.Code));

        purchase.PaidWithVoucherCents.Should().Be(20_00);
        purchase.PaidWithMoneyCents.Should().Be(100_00);
        purchase.EligibleCents.Should().Be(100_00);
        purchase.EarnedCents.Should().Be(5_00);
        purchase.Balances.Should().Be(new Balances(PendingCents: 5_00, AvailableCents: 0, ClawbackCents: 0, VoucherCents: 0));
        (await velluto.VouchersAsync(maria)).Single().Status.Should().Be(VoucherStatus.Redeemed);
    }

    [Fact]
    public async Task Velluto_e_full_refund_of_the_120_reais_purchase_gives_back_the_voucher_value_and_reverses_the_pending_5_reais()
    {
        var velluto = await NewTenantAsync(SampleRules.Velluto());
        var maria = await velluto.EnrollAsync("Maria");
        var voucher = await IssueFirstVoucherAsync(velluto, maria);
        var purchase = await velluto.BuyAsync(maria, 120_00, voucherCode: voucher.Code);

        var refund = await velluto.RefundAsync(purchase.PurchaseId, 120_00);

        refund.ReturnedCreditCents.Should().Be(20_00, "the voucher's value comes back as available credit");
        refund.ReversedEarnCents.Should().Be(5_00);
        refund.ClawbackCents.Should().Be(0, "the 5,00 was still pending");
        refund.MoneyToReturnCents.Should().Be(100_00);
        refund.Balances.Should().Be(new Balances(PendingCents: 0, AvailableCents: 20_00, ClawbackCents: 0, VoucherCents: 0));
        (await velluto.BalancesAsync(maria)).Should().Be(refund.Balances);
        var reversal = (await velluto.EntriesAsync(maria)).Where(e => e.Kind == EntryKind.Reverse).Should().ContainSingle().Subject;
        reversal.PendingDeltaCents.Should().Be(-5_00);
        reversal.AvailableDeltaCents.Should().Be(0);
    }

    [Fact]
    public async Task Velluto_f_a_100_reais_purchase_with_60_reais_of_prescription_lines_earns_2_reais()
    {
        var velluto = await NewTenantAsync(SampleRules.Velluto());
        var maria = await velluto.EnrollAsync("Maria");

        var purchase = await velluto.BuyAsync(maria, 100_00, lines:
        [
            new RecordPurchase.Line("prescription", 60_00),
            new RecordPurchase.Line("cosmetics", 40_00),
        ]);

        purchase.EligibleCents.Should().Be(40_00);
        purchase.EarnedCents.Should().Be(2_00);
        (await velluto.BalancesAsync(maria)).PendingCents.Should().Be(2_00);
    }

    /// <summary>(c): four R$ 100,00 purchases, released 7 days later, then the voucher job.</summary>
    private async Task<Voucher> IssueFirstVoucherAsync(TestTenant velluto, Guid customer)
    {
        for (var i = 0; i < 4; i++) await velluto.BuyAsync(customer, 100_00);
        Clock.Advance(TimeSpan.FromDays(7));
        (await velluto.ReleaseAsync()).Should().Be(4);
        (await velluto.BalancesAsync(customer)).Should().Be(new Balances(0, 20_00, 0, 0));

        var issued = await velluto.IssueVouchersAsync();

        issued.Should().Be(new IssueVouchers.Result(VouchersIssued: 1, ValueCents: 20_00));
        return (await velluto.VouchersAsync(customer)).Single();
    }

    // ---- LitoralCash ----

    [Fact]
    public async Task LitoralCash_g_a_200_reais_purchase_earns_10_reais_available_at_once()
    {
        var litoral = await NewTenantAsync(SampleRules.LitoralCash());
        var joao = await litoral.EnrollAsync("João");

        var purchase = await litoral.BuyAsync(joao, 200_00);

        purchase.EarnedCents.Should().Be(10_00);
        purchase.AvailableAt.Should().Be(Clock.Now);
        purchase.ExpiresAt.Should().Be(Clock.Now.AddDays(180));
        purchase.Balances.Should().Be(new Balances(PendingCents: 0, AvailableCents: 10_00, ClawbackCents: 0, VoucherCents: 0));
    }

    [Fact]
    public async Task LitoralCash_h_paying_10_reais_of_a_50_reais_purchase_with_cashback_earns_2_reais_on_the_40_paid()
    {
        var litoral = await NewTenantAsync(SampleRules.LitoralCash());
        var joao = await litoral.EnrollAsync("João");
        await litoral.BuyAsync(joao, 200_00);

        var purchase = await litoral.BuyAsync(joao, 50_00, payWithCashbackCents: 10_00);

        purchase.PaidWithCashbackCents.Should().Be(10_00);
        purchase.PaidWithMoneyCents.Should().Be(40_00);
        purchase.EarnedCents.Should().Be(2_00);
        purchase.Balances.Should().Be(new Balances(PendingCents: 0, AvailableCents: 2_00, ClawbackCents: 0, VoucherCents: 0));
    }

    [Fact]
    public async Task LitoralCash_i_refund_after_the_10_reais_were_spent_leaves_an_8_reais_clawback_that_the_next_earn_settles()
    {
        var litoral = await NewTenantAsync(SampleRules.LitoralCash());
        var joao = await litoral.EnrollAsync("João");
        var first = await litoral.BuyAsync(joao, 200_00);
        await litoral.BuyAsync(joao, 50_00, payWithCashbackCents: 10_00);

        var refund = await litoral.RefundAsync(first.PurchaseId, 200_00);

        refund.ReversedEarnCents.Should().Be(10_00);
        refund.ClawbackCents.Should().Be(8_00, "2,00 was still available and is taken first; the 8,00 already spent is owed");
        refund.Balances.Should().Be(new Balances(PendingCents: 0, AvailableCents: 0, ClawbackCents: 8_00, VoucherCents: 0));

        var next = await litoral.BuyAsync(joao, 200_00);

        next.EarnedCents.Should().Be(10_00);
        next.ClawbackOffsetCents.Should().Be(8_00);
        next.Balances.Should().Be(new Balances(PendingCents: 0, AvailableCents: 2_00, ClawbackCents: 0, VoucherCents: 0));
        var entries = await litoral.EntriesAsync(joao);
        entries.Where(e => e.PurchaseId == next.PurchaseId).Select(e => (e.Kind, e.ClawbackDeltaCents, e.AvailableDeltaCents))
            .Should().BeEquivalentTo([(EntryKind.ClawbackOffset, -8_00L, 0L), (EntryKind.Earn, 0L, 2_00L)]);
    }
}
