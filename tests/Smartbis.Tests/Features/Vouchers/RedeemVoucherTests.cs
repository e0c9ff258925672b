using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Vouchers;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Tests.Features.Vouchers;

/// <summary>A voucher is redeemed once: on its own or as payment for a purchase, whatever runs concurrently.</summary>
public sealed class RedeemVoucherTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    private async Task<(TestTenant Shop, Guid Customer, Voucher Voucher)> CustomerWithVoucherAsync()
    {
        var rules = SampleRules.Velluto();
        rules.PendingDays = 0;
        var shop = await NewTenantAsync(rules);
        var ana = await shop.EnrollAsync();
        await shop.BuyAsync(ana, 400_00);
        (await shop.IssueVouchersAsync()).VouchersIssued.Should().Be(1);
        return (shop, ana, (await shop.VouchersAsync(ana)).Single());
    }

    [Fact]
    public async Task A_voucher_is_redeemed_once_and_its_value_leaves_the_voucher_bucket()
    {
        var (shop, ana, voucher) = await CustomerWithVoucherAsync();

        var redeemed = await shop.RedeemVoucherAsync(Codes.Display(voucher.Code).ToLowerInvariant(), ana);

        redeemed.ValueCents.Should().Be(20_00);
        redeemed.Balances.Should().Be(new Balances(0, 0, 0, 0));
        var stored = (await shop.VouchersAsync(ana)).Single();
        (stored.Status, stored.RedeemedAt).Should().Be((VoucherStatus.Redeemed, (DateTimeOffset?)Clock.Now));
        var refusal = await LedgerTestKit.ShouldFailAsync(() => shop.RedeemVoucherAsync(voucher.Code), "voucher_used");
        refusal.Message.Should().Contain("already used");
    }

    [Fact]
    public async Task Two_concurrent_redemptions_of_one_voucher_let_exactly_one_succeed()
    {
        for (var round = 0; round < 5; round++)
        {
            var (shop, ana, voucher) = await CustomerWithVoucherAsync();

            var outcomes = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
            {
                try { await shop.RedeemVoucherAsync(voucher.Code); return "ok"; }
                catch (OperationFailed e) { return e.Code; }
            })));

            outcomes.Should().BeEquivalentTo(["ok", "voucher_used"]);
            (await shop.EntriesAsync(ana)).Count(e => e.Kind == EntryKind.VoucherRedeem).Should().Be(1);
            (await shop.BalancesAsync(ana)).VoucherCents.Should().Be(0);
        }
    }

    [Fact]
    public async Task A_voucher_raced_by_ten_purchases_and_redemptions_pays_for_exactly_one()
    {
        var (shop, ana, voucher) = await CustomerWithVoucherAsync();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(async () =>
        {
            try
            {
                if (i % 2 == 0) await shop.RedeemVoucherAsync(voucher.Code);
                else await shop.BuyAsync(ana, 50_00, voucherCode: voucher.Code);
                return "ok";
            }
            catch (OperationFailed e) { return e.Code; }
        })));

        outcomes.Count(o => o == "ok").Should().Be(1);
        outcomes.Where(o => o != "ok").Should().OnlyContain(o => o == "voucher_used");
        (await shop.EntriesAsync(ana)).Count(e => e.Kind == EntryKind.VoucherRedeem).Should().Be(1);
    }

    [Fact]
    public async Task A_voucher_of_another_customer_or_worth_more_than_the_purchase_is_refused()
    {
        var (shop, ana, voucher) = await CustomerWithVoucherAsync();
        var bia = await shop.EnrollAsync();

        await LedgerTestKit.ShouldFailAsync(() => shop.BuyAsync(bia, 50_00, voucherCode: voucher.Code), "voucher_other_customer");
        await LedgerTestKit.ShouldFailAsync(() => shop.RedeemVoucherAsync(voucher.Code, bia), "voucher_other_customer");
        await LedgerTestKit.ShouldFailAsync(() => shop.BuyAsync(ana, 19_99, voucherCode: voucher.Code), "voucher_exceeds_purchase");
        await LedgerTestKit.ShouldFailAsync(() => shop.BuyAsync(ana, 50_00, voucherCode: "ACDE-FGHJ-KMNP"), "voucher_not_found");
        (await shop.VouchersAsync(ana)).Single().Status.Should().Be(VoucherStatus.Issued);
        (await shop.BalancesAsync(ana)).VoucherCents.Should().Be(20_00);
    }

    [Fact]
    public async Task A_redemption_retried_with_the_same_key_is_applied_once()
    {
        var (shop, ana, voucher) = await CustomerWithVoucherAsync();
        var request = new RedeemVoucher.Request(voucher.Code, ana, LedgerTestKit.NewKey(), "order-991");

        var first = await shop.RunAsync<RedeemVoucher, Idempotent<RedeemVoucher.Result>>(r => r.ExecuteAsync(request));
        var again = await shop.RunAsync<RedeemVoucher, Idempotent<RedeemVoucher.Result>>(r => r.ExecuteAsync(request));

        (first.Replayed, again.Replayed).Should().Be((false, true));
        again.Value.Should().Be(first.Value);
        (await shop.EntriesAsync(ana)).Count(e => e.Kind == EntryKind.VoucherRedeem).Should().Be(1);
    }

    [Fact]
    public async Task A_voucher_past_its_expiry_cannot_be_used_even_before_the_expiry_job_runs()
    {
        var (shop, ana, voucher) = await CustomerWithVoucherAsync();
        Clock.Advance(TimeSpan.FromDays(30));

        await LedgerTestKit.ShouldFailAsync(() => shop.BuyAsync(ana, 50_00, voucherCode: voucher.Code), "voucher_expired");
        (await shop.BalancesAsync(ana)).VoucherCents.Should().Be(20_00, "the expiry job has not run yet");
    }
}
