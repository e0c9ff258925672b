using Smartbis.Web.Infrastructure;

namespace Smartbis.Tests.Features.Vouchers;

public sealed class VoucherCodeTests
{
    [Fact]
    public void The_alphabet_has_no_look_alike_characters()
    {
        Codes.Alphabet.Should().NotContainAny("0", "O", "1", "I", "L", "5", "S", "2", "Z", "8", "B");
        Codes.Alphabet.Should().MatchRegex("^[A-Z3-9]+$");
        Codes.Alphabet.Distinct().Should().HaveCount(Codes.Alphabet.Length);
    }

    [Fact]
    public void New_codes_use_only_the_alphabet_and_do_not_repeat()
    {
        var codes = Enumerable.Range(0, 5_000).Select(_ => Codes.New(12)).ToList();

        codes.Should().OnlyContain(c => c.Length == 12 && c.All(ch => Codes.Alphabet.Contains(ch)));
        codes.Should().OnlyHaveUniqueItems();
        // Every letter of the alphabet shows up: the generator covers it all (5 000 × 12 draws from 25).
        codes.SelectMany(c => c).Distinct().Should().HaveCount(Codes.Alphabet.Length);
    }

    [Theory]
    [InlineData("acde-fghj-kmnp", "ACDEFGHJKMNP")]
    [InlineData(" ACDE FGHJ KMNP ", "ACDEFGHJKMNP")]
    [InlineData(null, "")]
    public void What_a_person_types_is_normalized(string? typed, string code) => Codes.Normalize(typed).Should().Be(code);

    [Fact]
    public void Codes_are_shown_in_groups_of_four() => Codes.Display("ACDEFGHJKMNP").Should().Be("ACDE-FGHJ-KMNP");
}
