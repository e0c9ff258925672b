using Smartbis.Web.Features.Counter;

namespace Smartbis.Tests.Counter;

public sealed class FindCustomerTests
{
    [Theory]
    [InlineData("(11) 98765-4321", FindCustomer.Kind.Phone)]
    [InlineData("+55 11 98765-4321", FindCustomer.Kind.Phone)]
    [InlineData("Maria@Example.com", FindCustomer.Kind.Email)]
    [InlineData("529.982.247-25", FindCustomer.Kind.Cpf)]
    [InlineData("ACDE-FG34-HJKM", FindCustomer.Kind.Code)]
    [InlineData("mariana", FindCustomer.Kind.Name)]
    [InlineData("  ", FindCustomer.Kind.Empty)]
    public void What_is_typed_is_detected(string typed, FindCustomer.Kind kind) =>
        FindCustomer.Detect(typed).Kind.Should().Be(kind);

    [Fact]
    public void A_phone_is_normalized_to_E164_and_an_email_to_lower_case()
    {
        FindCustomer.Detect("(11) 98765-4321").Phone.Should().Be("+5511987654321");
        FindCustomer.Detect("Maria@Example.com").Email.Should().Be("maria@example.com");
        FindCustomer.Detect("acde-fg34-hjkm").Code.Should().Be("ACDEFG34HJKM");
    }
}
