using Smartbis.Web.Features.Customers;

namespace Smartbis.Tests.Features.Customers;

public sealed class PhonesAndEmailsTests
{
    [Theory]
    [InlineData("(11) 98765-4321", "+5511987654321")]
    [InlineData("11987654321", "+5511987654321")]
    [InlineData("11 9 8765 4321", "+5511987654321")]
    [InlineData("+55 11 98765-4321", "+5511987654321")]
    [InlineData("+5511987654321", "+5511987654321")]
    [InlineData("(21) 3456-7890", "+552134567890")]      // a landline
    [InlineData("+1 650-253-0000", "+16502530000")]      // abroad, with its country code
    [InlineData("+351 912 345 678", "+351912345678")]
    public void A_phone_typed_any_common_way_is_normalized_to_E164(string typed, string e164) =>
        Phones.ToE164(typed).Should().Be(e164);

    [Theory]
    [InlineData("+5511938105090", "(11) 93810-5090")]     // as a Brazilian writes it
    [InlineData("+552134567890", "(21) 3456-7890")]
    [InlineData("+16502530000", "+1 650-253-0000")]      // abroad: with its country code
    public void A_phone_is_shown_for_people(string e164, string shown) => Phones.Display(e164).Should().Be(shown);

    [Theory]
    [InlineData("12345")]
    [InlineData("(11) 1234")]
    [InlineData("phone")]
    [InlineData("+55 00 98765-4321")]                     // no area code 00
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void An_invalid_phone_is_refused(string? typed) => Phones.ToE164(typed).Should().BeNull();

    [Theory]
    [InlineData("Ana@Example.COM", "ana@example.com")]
    [InlineData("  ana.souza+loja@velluto.com.br ", "ana.souza+loja@velluto.com.br")]
    public void An_email_is_trimmed_and_lower_cased(string typed, string normalized) => Emails.Normalize(typed).Should().Be(normalized);

    [Theory]
    [InlineData("ana")]
    [InlineData("ana@localhost")]
    [InlineData("Ana <ana@example.com>")]
    [InlineData("ana@example.com, bia@example.com")]
    [InlineData("")]
    public void An_implausible_email_is_refused(string typed) => Emails.Normalize(typed).Should().BeNull();
}
