using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Purchases;
using Smartbis.Web.Infrastructure;
using Xunit.Abstractions;

namespace Smartbis.Tests.Features.Ledger;

public sealed record EarnCase(long AmountCents, int RateBps);

public sealed record Division(long Numerator, long Denominator);

public static class RoundingArbitraries
{
    /// <summary>Amounts from 1 cent to R$ 100 million, any rate from 0 to 100%.</summary>
    public static Arbitrary<EarnCase> EarnCases() =>
        (from high in Gen.Choose(0, 99_999)
         from low in Gen.Choose(0, 99_999)
         from bps in Gen.Choose(0, 10_000)
         select new EarnCase(Math.Max(1, (long)high * 100_000 + low), bps)).ToArbitrary();

    public static Arbitrary<Division> Divisions() =>
        (from n1 in Gen.Choose(0, int.MaxValue)
         from n2 in Gen.Choose(0, int.MaxValue)
         from d in Gen.Choose(1, int.MaxValue)
         from small in Gen.Choose(1, 20)
         from useSmall in Gen.Elements(true, false)
         select new Division((long)n1 * n2, useSmall ? small : d)).ToArbitrary();
}

/// <summary>
/// Cashback is rounded half-up to the cent, once per purchase: 500 bps of R$ 19,99 is 99,95 centavos → R$ 1,00.
/// Checked against exact decimal arithmetic rounded with MidpointRounding.AwayFromZero (the same thing for amounts ≥ 0).
/// </summary>
public sealed class RoundingTests
{
    private static long Exact(decimal numerator, decimal denominator) =>
        (long)Math.Round(numerator / denominator, MidpointRounding.AwayFromZero);

    [Property(Arbitrary = [typeof(RoundingArbitraries)], MaxTest = 20_000, QuietOnSuccess = true)]
    public bool PercentHalfUp_equals_the_exact_share_rounded_half_away_from_zero(EarnCase c) =>
        Money.PercentHalfUp(c.AmountCents, c.RateBps) == Exact((decimal)c.AmountCents * c.RateBps, 10_000m);

    [Property(Arbitrary = [typeof(RoundingArbitraries)], MaxTest = 20_000, QuietOnSuccess = true)]
    public bool DivideHalfUp_is_the_quotient_plus_one_when_the_remainder_is_at_least_half(Division d) =>
        Money.DivideHalfUp(d.Numerator, d.Denominator) == d.Numerator / d.Denominator + (2 * (d.Numerator % d.Denominator) >= d.Denominator ? 1 : 0);

    [Fact]
    public void Every_exact_half_cent_rounds_up()
    {
        var halves = 0;
        foreach (var bps in new[] { 1, 5, 50, 125, 250, 333, 500, 750, 1000, 1250, 2500, 5000, 7777, 10_000 })
            for (long amount = 1; amount <= 20_000; amount++)
            {
                var product = amount * bps;
                var share = Money.PercentHalfUp(amount, bps);
                if (product % 10_000 == 5_000)
                {
                    halves++;
                    share.Should().Be(product / 10_000 + 1, $"{amount} × {bps} bps is exactly half a cent above {product / 10_000}");
                }
                else
                {
                    share.Should().Be(Exact(product, 10_000m));
                }
            }
        halves.Should().BeGreaterThan(1_000, "the loop must actually meet halves");
        Money.PercentHalfUp(19_99, 500).Should().Be(1_00, "99,95 centavos → R$ 1,00");
        Money.PercentHalfUp(10_10, 500).Should().Be(51, "50,5 centavos → 51");
        Money.PercentHalfUp(10_09, 500).Should().Be(50, "50,45 centavos → 50");
    }

    [Fact]
    public void Money_never_overflows_on_the_largest_amounts()
    {
        Money.PercentHalfUp(long.MaxValue / 2, 10_000).Should().Be(long.MaxValue / 2);
        Money.DivideHalfUp((Int128)10_000_000_00 * 10_000_000_00 * 10_000, (Int128)10_000_000_00 * 10_000).Should().Be(10_000_000_00);
    }
}

/// <summary>
/// RecordPurchase against real PostgreSQL for random purchases. A class of its own, apart from the FsCheck properties above:
/// with FsCheck.Xunit 3.4.0 in the same class, writing to the injected ITestOutputHelper threw "There is no currently active
/// test". Plain xunit facts own their output helper; the properties need none.
/// </summary>
public sealed class RoundingRecordPurchaseTests(LedgerFixture fixture, ITestOutputHelper output) : LedgerTests(fixture)
{
    private static long Exact(decimal numerator, decimal denominator) =>
        (long)Math.Round(numerator / denominator, MidpointRounding.AwayFromZero);

    /// <summary>
    /// What RecordPurchase credits, for random amounts, rates, excluded lines and cashback payments (seeded):
    /// round-half-up of (amount − excluded) × paid-with-money × rate / (amount × 10 000), computed exactly.
    /// </summary>
    [Fact]
    public async Task RecordPurchase_earns_the_exact_share_rounded_half_up_for_random_purchases()
    {
        var seed = Environment.GetEnvironmentVariable("SMARTBIS_ROUNDING_SEED") is { Length: > 0 } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : 5_2026;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var checkedCases = 0;
        var halves = 0;
        foreach (var rate in new[] { 500, 1, 333, 1234, 10_000 })
        {
            var rules = SampleRules.Plain(rate);
            rules.ExcludedCategories = ["prescription"];
            var shop = await NewTenantAsync(rules);
            var ana = await shop.EnrollAsync();
            var available = (await shop.AdjustAsync(ana, 1_000_000_00, "Balance to pay with")).AvailableCents;
            for (var i = 0; i < 24; i++)
            {
                var amount = random.Next(4) switch
                {
                    0 => random.NextInt64(1, 100),
                    1 => random.NextInt64(100, 10_000_00),
                    2 => 20 * random.NextInt64(1, 50_000) + 10, // ≡ 10 (mod 20): a half at 5%
                    _ => random.NextInt64(1, 10_000_000_00 + 1), // up to the largest purchase allowed
                };
                var excluded = random.Next(3) == 0 ? random.NextInt64(0, amount + 1) : 0;
                var lines = excluded > 0 ? new[] { new RecordPurchase.Line("prescription", excluded), new RecordPurchase.Line("other", amount - excluded) } : null;
                var cashback = random.Next(3) == 0 ? random.NextInt64(0, Math.Min(amount, available) + 1) : 0;

                var result = await shop.BuyAsync(ana, amount, payWithCashbackCents: cashback, lines: lines);
                available = result.Balances.AvailableCents;

                var money = amount - cashback;
                var expected = Exact((decimal)(amount - excluded) * money * rate, (decimal)amount * 10_000);
                result.EarnedCents.Should().Be(expected,
                    $"seed {seed}: {amount} cents, {excluded} excluded, {cashback} paid with cashback, {rate} bps");
                if (excluded == 0 && cashback == 0) result.EarnedCents.Should().Be(Money.PercentHalfUp(amount, rate));
                if ((decimal)(amount - excluded) * money * rate % ((decimal)amount * 10_000) * 2 == (decimal)amount * 10_000) halves++;
                checkedCases++;
            }
        }
        output.WriteLine($"{checkedCases} purchases checked, {halves} exact halves");
        halves.Should().BeGreaterThan(0, "some purchases must land exactly on half a cent");
    }
}
