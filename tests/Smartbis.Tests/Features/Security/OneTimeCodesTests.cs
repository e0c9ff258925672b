using System.Security.Cryptography;
using System.Text;
using Smartbis.Web.Features.Security;

namespace Smartbis.Tests.Features.Security;

public sealed class OneTimeCodesTests
{
    private static readonly Guid Tenant = Guid.Parse("11111111-2222-3333-4444-555555555555");
    private static readonly Guid Customer = Guid.Parse("66666666-7777-8888-9999-aaaaaaaaaaaa");

    private static string Sha(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void Hashes_keep_the_format_codes_were_stored_with()
    {
        // Codes live 10 minutes: one sent before a deploy must still be accepted after it.
        OneTimeCodes.Hash(OneTimeCodes.Portal, Tenant, Customer, " 123456 ").Should().Be(Sha($"portal:{Tenant:N}:{Customer:N}:123456"));
        OneTimeCodes.Hash(OneTimeCodes.Counter, Tenant, Customer, "123456").Should().Be(Sha($"{Tenant:N}:{Customer:N}:123456"));
    }

    [Fact]
    public void A_code_of_one_scope_does_not_match_another() =>
        OneTimeCodes.Hash(OneTimeCodes.Portal, Tenant, Customer, "123456").Should().NotBe(OneTimeCodes.Hash(OneTimeCodes.Counter, Tenant, Customer, "123456"));

    [Fact]
    public void Codes_are_six_digits() =>
        Enumerable.Range(0, 200).Select(_ => OneTimeCodes.New()).Should().OnlyContain(c => c.Length == 6 && c.All(char.IsDigit));
}
