using Smartbis.Web.Features.Customers;

namespace Smartbis.Tests.Features.Customers;

public sealed class CpfTests
{
    [Theory]
    [InlineData("529.982.247-25", "52998224725")]
    [InlineData("52998224725", "52998224725")]
    [InlineData(" 111.444.777-35 ", "11144477735")]
    [InlineData("012.345.678-90", "01234567890")] // a leading zero is a digit like any other
    [InlineData("453 178 287 91", "45317828791")]
    public void A_valid_cpf_is_normalized_to_its_11_digits(string typed, string digits) =>
        Cpf.Normalize(typed).Should().Be(digits);

    [Theory]
    [InlineData("529.982.247-24")]  // last check digit wrong
    [InlineData("529.982.247-15")]  // first check digit wrong
    [InlineData("111.111.111-11")]  // passes the checksum but all digits equal: not issued
    [InlineData("000.000.000-00")]
    [InlineData("5299822472")]      // 10 digits
    [InlineData("529982247250")]    // 12 digits
    [InlineData("abc")]
    [InlineData("")]
    [InlineData(null)]
    public void An_invalid_cpf_is_refused(string? typed) => Cpf.Normalize(typed).Should().BeNull();

    [Fact]
    public void Exactly_one_check_digit_pair_is_valid_for_any_nine_digits()
    {
        var random = new Random(11);
        for (var i = 0; i < 200; i++)
        {
            var nine = string.Concat(Enumerable.Range(0, 9).Select(_ => random.Next(10)));
            if (nine.Distinct().Count() == 1) continue;
            Enumerable.Range(0, 100).Count(check => Cpf.Normalize(nine + check.ToString("D2")) is not null)
                .Should().Be(1, $"{nine} has one pair of check digits");
        }
    }

    [Fact]
    public void A_cpf_is_shown_masked() => Cpf.Mask("52998224725").Should().Be("***.982.247-**");
}
