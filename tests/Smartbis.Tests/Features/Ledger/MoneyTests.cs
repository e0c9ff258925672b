using Smartbis.Web.Infrastructure;

namespace Smartbis.Tests.Features.Ledger;

/// <summary>Money typed by a person at the counter or in settings, and shown back in the tenant's locale.</summary>
public sealed class MoneyTests
{
    [Theory]
    [InlineData("123,45", "pt-BR", 123_45)]
    [InlineData("R$ 1.234,56", "pt-BR", 1_234_56)]
    [InlineData("R$12,00", "pt-BR", 12_00)]
    [InlineData("1.234.567,8", "pt-BR", 1_234_567_80)]
    [InlineData(" 7 ", "pt-BR", 7_00)]
    [InlineData("12,5", "pt-BR", 12_50)]
    [InlineData("0,01", "pt-BR", 1)]
    [InlineData("123.45", "en", 123_45)]
    [InlineData("1,234.56", "en", 1_234_56)]
    [InlineData("1,234", "en", 1_234_00)]
    public void An_amount_typed_the_way_the_locale_writes_it_is_read_in_cents(string typed, string locale, long cents) =>
        Money.Parse(typed, locale).Should().Be(cents);

    [Theory]
    [InlineData("12.50", "pt-BR")]     // the decimal point of another locale: not R$ 1.250,00
    [InlineData("1.2.3", "pt-BR")]
    [InlineData("12.345.6", "pt-BR")]
    [InlineData("12,50", "en")]        // not $1,250.00
    [InlineData("1,2", "en")]
    [InlineData("0,001", "pt-BR")]     // less than a cent
    [InlineData("-1", "pt-BR")]
    [InlineData("1e3", "pt-BR")]
    [InlineData("abc", "pt-BR")]
    [InlineData("", "pt-BR")]
    [InlineData(null, "pt-BR")]
    public void Text_that_is_not_clearly_money_is_refused(string? typed, string locale) =>
        Money.Parse(typed, locale).Should().BeNull();

    [Fact]
    public void Amounts_are_shown_in_the_locale_with_the_currency_symbol()
    {
        // ICU puts a (no-break) space after the symbol in pt-BR; which space it is does not matter here.
        Money.Format(1_234_56).Replace('\u00a0', ' ').Should().Be("R$ 1.234,56");
        Money.Format(5_00, "USD", "en").Should().Be("US$5.00");
        Money.Parse(Money.Format(98_765_43), "pt-BR").Should().Be(98_765_43, "what is shown reads back as the same amount");
    }
}
