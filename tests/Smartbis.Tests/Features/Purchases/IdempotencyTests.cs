using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Purchases;

namespace Smartbis.Tests.Features.Purchases;

/// <summary>The same purchase (same idempotency key, or the same receipt in a store) recorded twice is one purchase.</summary>
public sealed class IdempotencyTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    [Fact]
    public async Task The_same_purchase_sent_50_times_in_a_row_is_recorded_once_with_identical_responses()
    {
        var shop = await NewTenantAsync(SampleRules.Velluto());
        var ana = await shop.EnrollAsync();
        var request = shop.Purchase(ana, 123_45);

        var results = new List<Idempotent<RecordPurchase.Result>>();
        for (var i = 0; i < 50; i++)
        {
            if (i == 25) Clock.Advance(TimeSpan.FromMinutes(5)); // a retry much later still gets the first answer
            results.Add(await shop.RecordAsync(request));
        }

        results[0].Replayed.Should().BeFalse();
        results.Skip(1).Should().OnlyContain(r => r.Replayed);
        results.Select(r => r.Value).Distinct().Should().ContainSingle("every response is the first one");
        await AssertRecordedOnceAsync(shop, ana, results[0].Value);
    }

    [Fact]
    public async Task The_same_purchase_sent_50_times_in_parallel_is_recorded_once_with_identical_responses()
    {
        var shop = await NewTenantAsync(SampleRules.Velluto());
        var ana = await shop.EnrollAsync();
        var request = shop.Purchase(ana, 123_45);

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => shop.RecordAsync(request))));

        results.Count(r => !r.Replayed).Should().Be(1, "exactly one call recorded the purchase");
        results.Select(r => r.Value).Distinct().Should().ContainSingle("every response is the first one");
        await AssertRecordedOnceAsync(shop, ana, results.Single(r => !r.Replayed).Value);
    }

    [Fact]
    public async Task A_walk_in_purchase_sent_20_times_in_parallel_makes_one_customer_and_one_purchase()
    {
        var shop = await NewTenantAsync(SampleRules.Velluto());
        var request = shop.Purchase(null, 80_00, phone: "(11) 91234-5678");

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => shop.RecordAsync(request))));

        results.Select(r => r.Value).Distinct().Should().ContainSingle();
        (await shop.WithDbAsync(db => db.Customers.CountAsync())).Should().Be(1);
        await AssertRecordedOnceAsync(shop, results[0].Value.CustomerId, results[0].Value);
    }

    [Fact]
    public async Task The_same_key_with_a_different_amount_is_refused_and_writes_nothing()
    {
        var shop = await NewTenantAsync(SampleRules.Velluto());
        var ana = await shop.EnrollAsync();
        var request = shop.Purchase(ana, 100_00);
        await shop.RecordAsync(request);
        var before = await shop.RowCountsAsync();

        var refusal = await LedgerTestKit.ShouldFailAsync(() => shop.RecordAsync(request with { AmountCents = 100_01 }), "idempotency_key_reused");

        refusal.Errors.Should().ContainKey("idempotencyKey");
        (await shop.RowCountsAsync()).Should().Be(before);
        (await shop.BalancesAsync(ana)).PendingCents.Should().Be(5_00);
        await LedgerTestKit.ShouldFailAsync(() => shop.RecordAsync(request with { ReceiptNumber = "another" }), "idempotency_key_reused");
    }

    [Fact]
    public async Task A_second_purchase_with_the_same_receipt_in_the_same_store_is_refused_naming_the_first()
    {
        var shop = await NewTenantAsync(SampleRules.Velluto());
        var ana = await shop.EnrollAsync();
        var first = await shop.RecordAsync(shop.Purchase(ana, 100_00) with { ReceiptNumber = "NF-000123" });
        var before = await shop.RowCountsAsync();

        var refusal = await LedgerTestKit.ShouldFailAsync(
            () => shop.RecordAsync(shop.Purchase(ana, 100_00) with { ReceiptNumber = " NF-000123 " }), "duplicate_receipt");

        refusal.Status.Should().Be(409);
        refusal.Errors["receiptNumber"].Single().Should().Contain(first.Value.PurchaseId.ToString()).And.Contain("NF-000123");
        refusal.Errors["existingPurchaseId"].Should().Equal(first.Value.PurchaseId.ToString());
        (await shop.RowCountsAsync()).Should().Be(before);

        var otherStore = await shop.AddStoreAsync();
        var elsewhere = await shop.RecordAsync(shop.Purchase(ana, 100_00, storeId: otherStore) with { ReceiptNumber = "NF-000123" });
        elsewhere.Value.PurchaseId.Should().NotBe(first.Value.PurchaseId, "receipt numbers are per store");
    }

    [Fact]
    public async Task The_same_receipt_sent_in_parallel_under_different_keys_is_recorded_once()
    {
        var shop = await NewTenantAsync(SampleRules.Velluto());
        var ana = await shop.EnrollAsync();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(async () =>
        {
            try { return (await shop.RecordAsync(shop.Purchase(ana, 50_00) with { ReceiptNumber = "NF-777" })).Value.PurchaseId; }
            catch (Smartbis.Web.Infrastructure.OperationFailed e) when (e.Code == "duplicate_receipt") { return (Guid?)null; }
        })));

        attempts.Count(a => a is not null).Should().Be(1);
        (await shop.WithDbAsync(db => db.Purchases.CountAsync())).Should().Be(1);
        (await shop.BalancesAsync(ana)).PendingCents.Should().Be(2_50);
    }

    private static async Task AssertRecordedOnceAsync(TestTenant shop, Guid customerId, RecordPurchase.Result first)
    {
        (await shop.WithDbAsync(db => db.Purchases.CountAsync())).Should().Be(1);
        var entries = await shop.EntriesAsync(customerId);
        entries.Should().ContainSingle(e => e.Kind == EntryKind.Earn).Which.PurchaseId.Should().Be(first.PurchaseId);
        (await shop.LotsAsync(customerId)).Should().ContainSingle();
        (await shop.WithDbAsync(db => db.OutboxEvents.CountAsync(e => e.Type == Events.PurchaseRecorded))).Should().Be(1);
        (await shop.BalancesAsync(customerId)).Should().Be(first.Balances);
        first.EarnedCents.Should().Be(first.AmountCents * 5 / 100 + (first.AmountCents * 5 % 100 >= 50 ? 1 : 0));
    }
}
