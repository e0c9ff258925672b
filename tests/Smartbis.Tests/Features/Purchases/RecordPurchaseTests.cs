using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Purchases;

namespace Smartbis.Tests.Features.Purchases;

/// <summary>Paying with cashback within the rules, and purchases that are refused without writing anything.</summary>
public sealed class RecordPurchaseTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    [Fact]
    public async Task At_most_the_maximum_share_of_a_purchase_can_be_paid_with_cashback()
    {
        var litoral = await NewTenantAsync(SampleRules.LitoralCash()); // max 50%
        var joao = await litoral.EnrollAsync();
        await litoral.BuyAsync(joao, 1_000_00);                  // 50,00 available
        var before = await litoral.RowCountsAsync();

        var refusal = await LedgerTestKit.ShouldFailAsync(() => litoral.BuyAsync(joao, 30_01, payWithCashbackCents: 15_01), "over_max_share");

        refusal.Errors.Should().ContainKey("payWithCashbackCents");
        refusal.Message.Should().Contain("15,00", "half of R$ 30,01, rounded down, is what may be paid with cashback");
        (await litoral.RowCountsAsync()).Should().Be(before, "a refused purchase writes nothing");
        (await litoral.BalancesAsync(joao)).AvailableCents.Should().Be(50_00);

        var accepted = await litoral.BuyAsync(joao, 30_01, payWithCashbackCents: 15_00);
        accepted.PaidWithCashbackCents.Should().Be(15_00);
        accepted.Balances.AvailableCents.Should().Be(50_00 - 15_00 + 75, "and 5% of the R$ 15,01 paid with money, 0,7505 → 0,75");
    }

    [Fact]
    public async Task Cashback_can_be_used_only_from_the_minimum_balance()
    {
        var litoral = await NewTenantAsync(SampleRules.LitoralCash()); // from 10,00
        var joao = await litoral.EnrollAsync();
        await litoral.BuyAsync(joao, 199_80);                    // 9,99 available
        (await litoral.BalancesAsync(joao)).AvailableCents.Should().Be(9_99);
        var before = await litoral.RowCountsAsync();

        var refusal = await LedgerTestKit.ShouldFailAsync(() => litoral.BuyAsync(joao, 100_00, payWithCashbackCents: 1_00), "below_minimum_balance");

        refusal.Message.Should().Contain("10,00");
        (await litoral.RowCountsAsync()).Should().Be(before);
        await litoral.BuyAsync(joao, 20_00);                     // +1,00 → 10,99
        (await litoral.BuyAsync(joao, 100_00, payWithCashbackCents: 10_99)).Balances.AvailableCents.Should().Be(0 + 4_45,
            "once the balance reaches the minimum it can all be used; 5% of the 89,01 paid with money is 4,4505 → 4,45");
    }

    [Fact]
    public async Task Paying_more_cashback_than_is_available_is_refused_and_writes_nothing()
    {
        var shop = await NewTenantAsync(SampleRules.Plain());
        var ana = await shop.EnrollAsync();
        await shop.BuyAsync(ana, 100_00);
        var before = await shop.RowCountsAsync();

        var refusal = await LedgerTestKit.ShouldFailAsync(() => shop.BuyAsync(ana, 50_00, payWithCashbackCents: 5_01), "insufficient_balance");

        refusal.Message.Should().Contain("5,00");
        (await shop.RowCountsAsync()).Should().Be(before);
        (await shop.BalancesAsync(ana)).Should().Be(new Balances(0, 5_00, 0, 0));
    }

    [Fact]
    public async Task Pending_cashback_cannot_pay_for_a_purchase()
    {
        var velluto = await NewTenantAsync(SampleRules.Velluto());
        var ana = await velluto.EnrollAsync();
        await velluto.BuyAsync(ana, 100_00);

        await LedgerTestKit.ShouldFailAsync(() => velluto.BuyAsync(ana, 10_00, payWithCashbackCents: 1_00), "insufficient_balance");
        (await velluto.BalancesAsync(ana)).Should().Be(new Balances(5_00, 0, 0, 0));
    }

    [Fact]
    public async Task A_purchase_paid_with_cashback_records_a_redeem_entry_and_earns_only_on_the_money_part()
    {
        var shop = await NewTenantAsync(SampleRules.Plain(1000)); // 10%
        var ana = await shop.EnrollAsync();
        var first = await shop.BuyAsync(ana, 100_00);           // 10,00

        var second = await shop.BuyAsync(ana, 33_33, payWithCashbackCents: 10_00);

        second.PaidWithMoneyCents.Should().Be(23_33);
        second.EarnedCents.Should().Be(2_33, "10% of 23,33 = 2,333 → 2,33");
        second.Balances.Should().Be(new Balances(0, 2_33, 0, 0));
        var entries = await shop.EntriesAsync(ana);
        entries.Where(e => e.PurchaseId == second.PurchaseId).Select(e => (e.Kind, e.AvailableDeltaCents))
            .Should().BeEquivalentTo([(EntryKind.Redeem, -10_00L), (EntryKind.Earn, 2_33L)]);
        var lot = (await shop.LotsAsync(ana)).Single(l => l.PurchaseId == first.PurchaseId);
        (lot.RemainingCents, lot.Status).Should().Be((0L, LotStatus.Spent));
        var stored = await shop.WithDbAsync(db => db.Purchases.AsNoTracking().SingleAsync(p => p.Id == second.PurchaseId));
        stored.Should().Match<Purchase>(p => p.PaidWithCashbackCents == 10_00 && p.EligibleCents == 23_33 && p.EarnedCents == 2_33 && p.RateBps == 1000 && p.RuleVersion == 1);
    }

    [Fact]
    public async Task Invalid_requests_are_refused_field_by_field()
    {
        var shop = await NewTenantAsync(SampleRules.Plain());
        var ana = await shop.EnrollAsync();

        var refusal = await LedgerTestKit.ShouldFailAsync(() => shop.RecordAsync(
            shop.Purchase(null, 0, payWithCashbackCents: -1, phone: "12") with { IdempotencyKey = "" }), "validation");

        refusal.Errors.Keys.Should().Contain(["idempotencyKey", "amountCents", "payWithCashbackCents", "phone"]);
        await LedgerTestKit.ShouldFailAsync(() => shop.BuyAsync(ana, 100_00, lines: [new RecordPurchase.Line("a", 60_00)]), "validation");
        await LedgerTestKit.ShouldFailAsync(() => shop.RecordAsync(shop.Purchase(ana, 100_00, storeId: Guid.NewGuid())), "not_found");
        await LedgerTestKit.ShouldFailAsync(() => shop.RecordAsync(shop.Purchase(Guid.NewGuid(), 100_00)), "not_found");
        (await shop.RowCountsAsync()).Purchases.Should().Be(0);
    }
}
