using Smartbis.Web.Features.Programs;

namespace Smartbis.Tests.Features.Programs;

/// <summary>The one owner of "how much of a purchase cashback may pay": the ledger refuses above it, the counter fills it.</summary>
public sealed class CashbackShareTests
{
    [Theory]
    [InlineData(10_000, 123_45, 123_45)]
    [InlineData(5_000, 40_00, 20_00)]
    [InlineData(5_000, 40_01, 20_00)] // rounded down: never more than the share
    [InlineData(3_333, 1_00, 33)]
    [InlineData(0, 500_00, 0)]
    public void The_share_payable_with_cashback_is_the_rules_share_rounded_down(int shareBps, long amountCents, long expected) =>
        new ProgramRules { MaxRedeemShareBps = shareBps }.MaxCashbackPaymentCents(amountCents).Should().Be(expected);

    [Fact]
    public void A_huge_amount_does_not_overflow() =>
        new ProgramRules { MaxRedeemShareBps = 10_000 }.MaxCashbackPaymentCents(long.MaxValue).Should().Be(long.MaxValue);

    [Theory]
    [InlineData(20_00, 40_00, 20_00)]  // the share
    [InlineData(15_00, 40_00, 15_00)]  // the balance
    [InlineData(9_99, 40_00, 0)]       // below the minimum balance to redeem: nothing
    [InlineData(10_00, 0, 0)]
    public void What_a_customer_may_use_is_the_share_within_the_balance_from_the_minimum(long availableCents, long amountCents, long expected) =>
        new ProgramRules { MaxRedeemShareBps = 5_000, MinRedeemBalanceCents = 10_00 }.MaxCashbackUsableCents(amountCents, availableCents).Should().Be(expected);
}
