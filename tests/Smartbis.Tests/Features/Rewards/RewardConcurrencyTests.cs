using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Rewards;
using Smartbis.Web.Infrastructure;
using Xunit.Abstractions;

namespace Smartbis.Tests.Features.Rewards;

/// <summary>Parallel redemptions: stock never oversold, the per-customer limit never exceeded, no balance overdrawn, one entry per success.</summary>
public sealed class RewardConcurrencyTests(LedgerFixture fixture, ITestOutputHelper output) : LedgerTests(fixture)
{
    [Fact]
    public async Task Seventy_two_parallel_redemptions_hold_stock_limit_and_balance_and_each_success_has_exactly_one_entry()
    {
        var shop = await NewTenantAsync(SampleRules.Plain(0));
        await shop.UsePointsAsync();
        const int stock = 25, limit = 3;
        const long cost = 100;
        var reward = await shop.AddRewardAsync("Sunscreen", cost: cost, stock: stock, limit: limit);
        // Six customers whom the limit stops (1000 points), six whom their balance stops (250 points): 30 possible > 25 in stock.
        var rich = new List<Guid>();
        var poor = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            rich.Add(await shop.MemberWithPointsAsync(1000));
            poor.Add(await shop.MemberWithPointsAsync(250));
        }
        var initial = rich.ToDictionary(id => id, _ => 1000L);
        foreach (var id in poor) initial[id] = 250;
        var attempts = initial.Keys.SelectMany(id => Enumerable.Repeat(id, 6)).OrderBy(_ => Random.Shared.Next()).ToList();
        attempts.Should().HaveCountGreaterThanOrEqualTo(50);
        var started = DateTime.UtcNow;

        var outcomes = await Task.WhenAll(attempts.Select(customer => Task.Run(async () =>
        {
            try
            {
                return (customer, Claim: (RedeemReward.Result?)(await shop.RedeemRewardAsync(customer, reward)).Value, Refusal: (OperationFailed?)null);
            }
            catch (OperationFailed e)
            {
                return (customer, Claim: null, Refusal: e);
            }
        })));
        output.WriteLine($"{attempts.Count} parallel redemptions in {(DateTime.UtcNow - started).TotalMilliseconds:0} ms");

        var won = outcomes.Where(o => o.Claim is not null).ToList();
        outcomes.Where(o => o.Refusal is not null).Select(o => o.Refusal!.Code).Distinct()
            .Should().BeSubsetOf(["out_of_stock", "limit_reached", "not_enough_points"]);
        won.Should().HaveCount(stock, "demand (30) exceeds the stock, so exactly the stock is redeemed");
        (await shop.RewardAsync(reward)).Stock.Should().Be(0);

        var claims = await shop.ClaimsAsync();
        claims.Should().HaveCount(won.Count);
        foreach (var (customer, start) in initial)
        {
            var mine = claims.Count(c => c.CustomerId == customer);
            mine.Should().BeLessThanOrEqualTo(limit);
            (await shop.BalancesAsync(customer)).AvailableCents.Should().Be(start - mine * cost).And.BeGreaterThanOrEqualTo(0);
        }
        var entries = await shop.WithDbAsync(db => db.LedgerEntries.AsNoTracking().Where(e => e.Kind == EntryKind.RewardRedeem).ToListAsync());
        entries.Should().HaveCount(won.Count).And.OnlyContain(e => e.AvailableDeltaCents == -cost);
        claims.Select(c => c.LedgerEntryId).Should().BeEquivalentTo(entries.Select(e => e.Id), "each claim has its own entry, and no entry is without a claim");
        claims.Select(c => c.Code).Should().OnlyHaveUniqueItems();
    }
}
