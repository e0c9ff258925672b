using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Purchases;
using Smartbis.Web.Infrastructure;
using Xunit.Abstractions;

namespace Smartbis.Tests.Features.Ledger;

/// <summary>Concurrent redemptions on one customer never overdraw: the account row lock serializes them.</summary>
public sealed class ConcurrencyTests(LedgerFixture fixture, ITestOutputHelper output) : LedgerTests(fixture)
{
    [Fact]
    public async Task Two_hundred_parallel_redemptions_never_overdraw_and_each_accepted_one_writes_one_redeem_entry()
    {
        // No earning (rate 0), so the balance only goes down by what is redeemed.
        var shop = await NewTenantAsync(SampleRules.Plain(0));
        var ana = await shop.EnrollAsync();
        await shop.AdjustAsync(ana, 300_00, "Opening balance");
        await shop.AdjustAsync(ana, 200_00, "Second lot");
        const long initial = 500_00;
        var random = new Random(4242);
        var requests = Enumerable.Range(0, 200)
            .Select(_ => random.NextInt64(1_00, 6_00))
            .Select(amount => shop.Purchase(ana, amount, payWithCashbackCents: amount))
            .ToList();
        var started = DateTime.UtcNow;

        var outcomes = await Task.WhenAll(requests.Select(request => Task.Run(async () =>
        {
            try
            {
                var result = await shop.RecordAsync(request);
                return (request, Accepted: (RecordPurchase.Result?)result.Value, Refusal: (OperationFailed?)null);
            }
            catch (OperationFailed e)
            {
                return (request, Accepted: null, Refusal: e);
            }
        })));
        output.WriteLine($"200 redemptions in {(DateTime.UtcNow - started).TotalMilliseconds:0} ms");

        var accepted = outcomes.Where(o => o.Accepted is not null).ToList();
        var refused = outcomes.Where(o => o.Refusal is not null).ToList();
        refused.Should().OnlyContain(o => o.Refusal!.Code == "insufficient_balance");
        accepted.Should().NotBeEmpty();
        refused.Should().NotBeEmpty("the requests ask for more than the balance, so some must be refused");
        var spent = accepted.Sum(o => o.request.PayWithCashbackCents);
        spent.Should().BeLessThanOrEqualTo(initial);
        var balances = await shop.BalancesAsync(ana);
        balances.AvailableCents.Should().Be(initial - spent).And.BeGreaterThanOrEqualTo(0);
        refused.Should().OnlyContain(o => o.request.PayWithCashbackCents > 0);
        // A refusal means what was left was less than asked (the lock makes each one see the true balance).
        var smallestRefused = refused.Min(o => o.request.PayWithCashbackCents);
        balances.AvailableCents.Should().BeLessThan(smallestRefused);

        var redeems = await shop.WithDbAsync(db => db.LedgerEntries.AsNoTracking().Where(e => e.Kind == EntryKind.Redeem).ToListAsync());
        redeems.Should().HaveCount(accepted.Count);
        redeems.Select(e => e.PurchaseId).Should().BeEquivalentTo(accepted.Select(o => (Guid?)o.Accepted!.PurchaseId));
        redeems.Should().OnlyContain(e => accepted.Single(o => o.Accepted!.PurchaseId == e.PurchaseId).request.PayWithCashbackCents == -e.AvailableDeltaCents);
        var receipts = await shop.WithDbAsync(db => db.Purchases.Select(p => p.ReceiptNumber).ToListAsync());
        receipts.Should().BeEquivalentTo(accepted.Select(o => o.request.ReceiptNumber), "refused requests record no purchase");
        (await shop.LotsAsync(ana)).Sum(l => l.RemainingCents).Should().Be(initial - spent);
    }

    [Fact]
    public async Task Parallel_redemptions_mixed_with_earning_refunds_and_jobs_keep_the_books_balanced()
    {
        var shop = await NewTenantAsync(SampleRules.LitoralCash());
        var ana = await shop.EnrollAsync();
        var big = await shop.BuyAsync(ana, 2_000_00);                         // 100,00 available
        var random = new Random(77);
        var amounts = Enumerable.Range(0, 60).Select(_ => random.NextInt64(20_00, 80_00)).ToArray();

        var work = Enumerable.Range(0, 60).Select(i => Task.Run(async () =>
        {
            try
            {
                switch (i % 4)
                {
                    case 0: await shop.BuyAsync(ana, amounts[i], payWithCashbackCents: 10_00); break;
                    case 1: await shop.BuyAsync(ana, 30_00); break;
                    case 2: await shop.RefundAsync(big.PurchaseId, 10_00); break;
                    default: await shop.ExpireAsync(); break;
                }
            }
            catch (OperationFailed e) when (e.Code is "insufficient_balance" or "below_minimum_balance" or "over_refund")
            {
                // Expected refusals under contention.
            }
        })).ToList();
        await Task.WhenAll(work);

        await shop.AssertBooksBalanceAsync();
        var balances = await shop.BalancesAsync(ana);
        (balances.AvailableCents >= 0 && balances.ClawbackCents >= 0).Should().BeTrue();
    }
    /// <summary>
    /// The spend primitive of the books (lock, expire due credit, refuse above the balance, FIFO consume, one Redeem entry)
    /// under 200 parallel spends on one member, for both reward types: never an overdraft, every accepted spend one entry.
    /// </summary>
    [Theory]
    [InlineData("cashback")]
    [InlineData("points")]
    public async Task Two_hundred_parallel_spends_through_the_books_never_overdraw(string rewardType)
    {
        var rules = SampleRules.OfType(rewardType);
        var shop = await NewTenantAsync(rules);
        var ana = await shop.EnrollAsync();
        await shop.AdjustAsync(ana, 3_000, "Opening balance");
        await shop.AdjustAsync(ana, 2_000, "Second lot");
        const long initial = 5_000;
        var random = new Random(99);
        var amounts = Enumerable.Range(0, 200).Select(_ => random.NextInt64(10, 60)).ToList();

        var outcomes = await Task.WhenAll(amounts.Select(amount => Task.Run(async () =>
        {
            try
            {
                await shop.SpendAsync(ana, amount);
                return (amount, Accepted: true, Code: (string?)null);
            }
            catch (OperationFailed e)
            {
                return (amount, Accepted: false, Code: (string?)e.Code);
            }
        })));

        var accepted = outcomes.Where(o => o.Accepted).ToList();
        var refused = outcomes.Where(o => !o.Accepted).ToList();
        refused.Should().OnlyContain(o => o.Code == "insufficient_balance");
        refused.Should().NotBeEmpty("200 spends of 10 to 60 ask for more than 5 000");
        var spent = accepted.Sum(o => o.amount);
        spent.Should().BeLessThanOrEqualTo(initial);
        var balances = await shop.BalancesAsync(ana);
        balances.AvailableCents.Should().Be(initial - spent).And.BeGreaterThanOrEqualTo(0);
        balances.AvailableCents.Should().BeLessThan(refused.Min(o => o.amount), "a refusal means less was left than asked");
        var redeems = await shop.WithDbAsync(db => db.LedgerEntries.AsNoTracking().Where(e => e.Kind == EntryKind.Redeem).ToListAsync());
        redeems.Should().HaveCount(accepted.Count);
        redeems.Sum(e => -e.AvailableDeltaCents).Should().Be(spent);
        (await shop.LotsAsync(ana)).Sum(l => l.RemainingCents).Should().Be(initial - spent);
    }

    [Theory]
    [InlineData("cashback")]
    [InlineData("points")]
    public async Task The_same_spend_sent_50_times_in_parallel_is_spent_once(string rewardType)
    {
        var shop = await NewTenantAsync(SampleRules.OfType(rewardType));
        var ana = await shop.EnrollAsync();
        await shop.AdjustAsync(ana, 1_000);
        var key = LedgerTestKit.NewKey();

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => shop.SpendAsync(ana, 300, key))));

        results.Should().OnlyContain(b => b.AvailableCents == 700);
        (await shop.BalancesAsync(ana)).AvailableCents.Should().Be(700);
        (await shop.EntriesAsync(ana)).Count(e => e.Kind == EntryKind.Redeem).Should().Be(1);
    }

    // EF's execution strategy wraps a deadlock or a lock timeout from SaveChanges in an InvalidOperationException ("likely
    // due to a transient failure"); the unit must still see the database's error, or a deadlock would answer 500.
    [Theory]
    [InlineData("40P01", true)]
    [InlineData("40001", true)]
    [InlineData("23505", true)]
    [InlineData("23503", false)]
    public void A_database_error_is_recognised_under_efs_wrappers(string sqlState, bool retried)
    {
        var db = new Npgsql.PostgresException("x", "ERROR", "ERROR", sqlState);
        LedgerUnit.IsRetryable(db).Should().Be(retried);
        LedgerUnit.IsRetryable(new DbUpdateException("save", db)).Should().Be(retried);
        LedgerUnit.IsRetryable(new InvalidOperationException("An exception has been raised that is likely due to a transient failure.",
            new DbUpdateException("save", db))).Should().Be(retried);
        LedgerUnit.IsRetryable(new InvalidOperationException("not the database")).Should().BeFalse();
    }
}
