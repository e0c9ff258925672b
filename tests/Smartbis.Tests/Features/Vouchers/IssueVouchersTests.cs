using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Vouchers;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Tests.Features.Vouchers;

/// <summary>Available cashback becomes vouchers per the voucher mode; each voucher is issued once, whatever runs concurrently.</summary>
public sealed class IssueVouchersTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    private static ProgramRules Threshold(long thresholdCents = 20_00)
    {
        var rules = SampleRules.Velluto();
        rules.PendingDays = 0;
        rules.VoucherThresholdCents = thresholdCents;
        return rules;
    }

    private static ProgramRules PerCredit()
    {
        var rules = SampleRules.Plain();
        rules.ExpiryDays = 90;
        rules.VoucherMode = VoucherMode.PerCredit;
        rules.VoucherValidityDays = 15;
        return rules;
    }

    [Fact]
    public async Task Threshold_mode_issues_a_voucher_of_the_threshold_each_time_the_balance_reaches_it()
    {
        var shop = await NewTenantAsync(Threshold());
        var ana = await shop.EnrollAsync();
        var bia = await shop.EnrollAsync();
        await shop.BuyAsync(ana, 999_00);          // 49,95: two vouchers, 9,95 left
        await shop.BuyAsync(bia, 399_80);          // 19,99: not yet

        var result = await shop.IssueVouchersAsync();

        result.Should().Be(new IssueVouchers.Result(VouchersIssued: 2, ValueCents: 40_00));
        (await shop.BalancesAsync(ana)).Should().Be(new Balances(0, 9_95, 0, 40_00));
        (await shop.BalancesAsync(bia)).Should().Be(new Balances(0, 19_99, 0, 0));
        (await shop.VouchersAsync(ana)).Should().HaveCount(2).And.OnlyContain(v => v.ValueCents == 20_00 && v.Status == VoucherStatus.Issued);

        await shop.BuyAsync(bia, 20);               // +0,01 → 20,00
        (await shop.IssueVouchersAsync()).VouchersIssued.Should().Be(1);
        (await shop.BalancesAsync(bia)).Should().Be(new Balances(0, 0, 0, 20_00));
    }

    [Fact]
    public async Task Per_credit_mode_turns_each_available_credit_into_a_voucher_of_its_value()
    {
        var shop = await NewTenantAsync(PerCredit());
        var ana = await shop.EnrollAsync();
        await shop.BuyAsync(ana, 100_00);          // 5,00
        await shop.BuyAsync(ana, 37_00);           // 1,85

        var result = await shop.IssueVouchersAsync();

        result.Should().Be(new IssueVouchers.Result(2, 6_85));
        var vouchers = await shop.VouchersAsync(ana);
        vouchers.Select(v => v.ValueCents).Should().BeEquivalentTo([5_00L, 1_85L]);
        vouchers.Should().OnlyContain(v => v.ExpiresAt == Clock.Now.AddDays(15) && v.SourceLotId != null);
        var lots = await shop.LotsAsync(ana);
        lots.Should().OnlyContain(l => l.Status == LotStatus.Spent && l.RemainingCents == 0 && l.VoucherId != null);
        lots.Select(l => l.VoucherId).Should().BeEquivalentTo(vouchers.Select(v => (Guid?)v.Id));
        (await shop.BalancesAsync(ana)).Should().Be(new Balances(0, 0, 0, 6_85));
        (await shop.IssueVouchersAsync()).VouchersIssued.Should().Be(0);
    }

    [Fact]
    public async Task Per_credit_mode_waits_for_pending_credit_to_become_available()
    {
        var rules = PerCredit();
        rules.PendingDays = 7;
        var shop = await NewTenantAsync(rules);
        var ana = await shop.EnrollAsync();
        await shop.BuyAsync(ana, 100_00);

        (await shop.IssueVouchersAsync()).VouchersIssued.Should().Be(0);
        Clock.Advance(TimeSpan.FromDays(7));
        await shop.ReleaseAsync();
        (await shop.IssueVouchersAsync()).VouchersIssued.Should().Be(1);
        (await shop.BalancesAsync(ana)).Should().Be(new Balances(0, 0, 0, 5_00));
    }

    [Fact]
    public async Task Voucher_mode_none_issues_no_vouchers()
    {
        var shop = await NewTenantAsync(SampleRules.LitoralCash());
        var ana = await shop.EnrollAsync();
        await shop.BuyAsync(ana, 2_000_00);

        (await shop.IssueVouchersAsync()).VouchersIssued.Should().Be(0);
        (await shop.BalancesAsync(ana)).AvailableCents.Should().Be(100_00);
    }

    [Fact]
    public async Task Four_concurrent_threshold_runs_issue_each_voucher_once()
    {
        var shop = await NewTenantAsync(Threshold(10_00));
        var customers = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            var c = await shop.EnrollAsync();
            customers.Add(c);
            await shop.BuyAsync(c, (i + 1) * 100_00); // 5,00 × (i + 1): floor(5(i+1)/10) vouchers
        }
        var expected = customers.Select((_, i) => 5_00L * (i + 1) / 10_00).Sum();

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => shop.IssueVouchersAsync())));

        runs.Sum(r => r.VouchersIssued).Should().Be((int)expected);
        (await shop.WithDbAsync(db => db.Vouchers.CountAsync())).Should().Be((int)expected);
        for (var i = 0; i < customers.Count; i++)
        {
            var earned = 5_00L * (i + 1);
            (await shop.BalancesAsync(customers[i])).Should().Be(new Balances(0, earned % 10_00, 0, earned / 10_00 * 10_00));
        }
    }

    [Fact]
    public async Task Four_concurrent_per_credit_runs_turn_each_lot_into_one_voucher()
    {
        var shop = await NewTenantAsync(PerCredit());
        var customers = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            var c = await shop.EnrollAsync();
            customers.Add(c);
            for (var j = 0; j <= i % 3; j++) await shop.BuyAsync(c, 10_00 * (j + 1));
        }
        var lots = await shop.WithDbAsync(db => db.CreditLots.CountAsync());

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => shop.IssueVouchersAsync())));

        runs.Sum(r => r.VouchersIssued).Should().Be(lots);
        var vouchers = await shop.WithDbAsync(db => db.Vouchers.AsNoTracking().ToListAsync());
        vouchers.Should().HaveCount(lots);
        vouchers.Select(v => v.SourceLotId).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task Voucher_codes_use_only_the_unambiguous_alphabet_and_are_unique()
    {
        var shop = await NewTenantAsync(Threshold(1_00));
        var ana = await shop.EnrollAsync();
        await shop.BuyAsync(ana, 2_000_00);        // 100,00 → 100 vouchers of 1,00

        (await shop.IssueVouchersAsync()).VouchersIssued.Should().Be(100);

        var codes = (await shop.VouchersAsync(ana)).Select(v => v.Code).ToList();
        codes.Should().OnlyHaveUniqueItems().And.OnlyContain(c => c.Length == 12 && c.All(ch => Codes.Alphabet.Contains(ch)));
    }

    [Fact]
    public async Task A_cancelled_voucher_returns_its_value_as_available_credit_and_cannot_be_used()
    {
        var shop = await NewTenantAsync(Threshold());
        var ana = await shop.EnrollAsync();
        await shop.BuyAsync(ana, 400_00);
        await shop.IssueVouchersAsync();
        var voucher = (await shop.VouchersAsync(ana)).Single();

        var balances = await shop.RunAsync<CancelVoucher, Balances>(c => c.ExecuteAsync(voucher.Id, "Issued by mistake", "manager-1"));

        balances.Should().Be(new Balances(0, 20_00, 0, 0));
        (await shop.VouchersAsync(ana)).Single().Status.Should().Be(VoucherStatus.Cancelled);
        await LedgerTestKit.ShouldFailAsync(() => shop.RedeemVoucherAsync(voucher.Code), "voucher_cancelled");
        await LedgerTestKit.ShouldFailAsync(() => shop.RunAsync<CancelVoucher, Balances>(c => c.ExecuteAsync(voucher.Id, "again", "manager-1")), "voucher_not_issued");
    }

    [Fact]
    public async Task A_voucher_past_its_expiry_cannot_be_cancelled_back_into_credit_even_before_the_expiry_job_runs()
    {
        var shop = await NewTenantAsync(Threshold());
        var ana = await shop.EnrollAsync();
        await shop.BuyAsync(ana, 400_00);
        await shop.IssueVouchersAsync();
        var voucher = (await shop.VouchersAsync(ana)).Single();
        Clock.Advance(TimeSpan.FromDays(30));

        var refusal = await LedgerTestKit.ShouldFailAsync(
            () => shop.RunAsync<CancelVoucher, Balances>(c => c.ExecuteAsync(voucher.Id, "Customer asked", "manager-1")), "voucher_not_issued");

        refusal.Message.Should().Contain("expired");
        (await shop.BalancesAsync(ana)).Should().Be(new Balances(0, 0, 0, 20_00), "nothing changed; the expiry job will expire it");
        (await shop.ExpireAsync()).VoucherCents.Should().Be(20_00);
    }
}
