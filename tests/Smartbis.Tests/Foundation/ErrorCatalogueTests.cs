using System.Globalization;
using System.Text.RegularExpressions;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Tests.Foundation;

/// <summary>
/// Errors are codes with values, put into words at the edge (docs/architecture.md, "Errors"): every code the source
/// throws has an English and a pt-BR text, and every placeholder of a text is a value the throw gives.
/// </summary>
public sealed partial class ErrorCatalogueTests
{
    private static readonly CultureInfo PtBr = CultureInfo.GetCultureInfo("pt-BR");
    private static readonly CultureInfo En = CultureInfo.GetCultureInfo("en");

    [Fact]
    public void Every_code_of_the_catalogue_has_an_English_and_a_pt_BR_text_with_the_same_placeholders()
    {
        ErrorTexts.Templates.Should().NotBeEmpty();
        foreach (var (code, english) in ErrorTexts.Templates)
        {
            english.Should().NotBeNullOrWhiteSpace(code);
            var portuguese = ErrorTexts.Translation(code, PtBr);
            portuguese.Should().NotBeNullOrWhiteSpace($"{code} needs a pt-BR text in Infrastructure/ErrorTexts.pt-BR.resx");
            Placeholders(portuguese!).Should().BeSubsetOf(Placeholders(english), $"the pt-BR text of {code} may only use the values its English text names");
        }
    }

    [Fact]
    public void Every_code_thrown_in_src_is_in_the_catalogue_and_its_values_fill_every_placeholder()
    {
        var uses = CodesUsedInSource().ToList();
        uses.Select(u => u.Code).Distinct().Should().HaveCountGreaterThan(100, "the scan must find the codes (if it finds none, it is broken)");
        foreach (var (file, code, statement) in uses)
        {
            ErrorTexts.Templates.Should().ContainKey(code, $"{file} uses the error code \"{code}\": add its English text to ErrorTexts.Templates and its pt-BR text to ErrorTexts.pt-BR.resx");
            foreach (var name in Placeholders(ErrorTexts.Templates[code]))
                Regex.IsMatch(statement, $@"\b{name}\b").Should().BeTrue($"{file} throws \"{code}\", whose text names {{{name}}}: give that value");
        }
        // And the other way: no text left behind for a code nobody throws any more.
        ErrorTexts.Templates.Keys.Except(uses.Select(u => u.Code)).Should().BeEmpty("every text of the catalogue is for a code the source uses");
    }

    [Fact]
    public void A_code_is_rendered_with_its_values_in_the_readers_language_with_the_tenants_money()
    {
        var refusal = new OperationFailed("over_max_share", "over_max_share", "payWithCashbackCents",
            values: new { maximum = new Amount(15_00, "BRL", "pt-BR"), currencyName = "Pontos" });

        ErrorTexts.Render(refusal, PtBr)["payWithCashbackCents"].Should().Equal("No máximo R$ 15,00 desta compra pode ser pago com Pontos.");
        ErrorTexts.Render(refusal, En)["payWithCashbackCents"].Should().Equal("At most R$ 15,00 of this purchase can be paid with Pontos.");
        refusal.Errors["payWithCashbackCents"].Should().Equal("At most R$ 15,00 of this purchase can be paid with Pontos.");
        refusal.Message.Should().Be("At most R$ 15,00 of this purchase can be paid with Pontos.");

        var large = ErrorText.Of("authorization_required", new { redemption = new Amount(100_00), threshold = new Amount(50_00) });
        ErrorTexts.Render(large, PtBr).Should().StartWith("Usar R$ 100,00 exige o código enviado ao cliente ou o PIN de um gerente");
        ErrorTexts.Render(large, En).Should().Be("Using R$ 100,00 needs the customer's one-time code or a manager's PIN (above R$ 50,00).");
    }

    [Fact]
    public void Moments_are_shown_in_the_tenants_time_zone_when_known_and_said_to_be_UTC_otherwise()
    {
        var used = ErrorText.Of("voucher_used", new { usedAt = new DateTimeOffset(2025, 3, 10, 2, 30, 0, TimeSpan.Zero) });
        ErrorTexts.English(used).Should().Be("This voucher was already used on 2025-03-10 02:30 UTC.");
        var saoPaulo = TimeZoneInfo.FindSystemTimeZoneById("America/Sao_Paulo");
        ErrorTexts.Render(used, PtBr, saoPaulo).Should().Be("Este vale já foi usado em 09/03/2025 23:30.");

        var expired = ErrorText.Of("voucher_expired", new { expiredOn = new OnDay(new DateTimeOffset(2025, 3, 10, 2, 30, 0, TimeSpan.Zero)) });
        ErrorTexts.Render(expired, PtBr, saoPaulo).Should().Be("Este vale expirou em 09/03/2025.");
    }

    [Fact]
    public void The_products_words_at_the_counter_are_kept()
    {
        ErrorTexts.Render(ErrorText.Of("counter_wrong_code"), PtBr).Should().StartWith("Este código não confere.");
        ErrorTexts.Render(ErrorText.Of("invalid_pin"), PtBr).Should().Be("Este PIN não é de um gerente.");
        ErrorTexts.Render(ErrorText.Of("pin_locked"), PtBr).Should().StartWith("PIN errado vezes demais");
        ErrorTexts.Render(ErrorText.Of("no_valid_code"), PtBr).Should().Be("Não há código válido para este cliente: envie um novo.");
    }

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex PlaceholderPattern();

    private static HashSet<string> Placeholders(string template) =>
        PlaceholderPattern().Matches(template).Select(m => m.Groups[1].Value).ToHashSet();

    // A statement that refuses: it throws or builds an OperationFailed, checks or adds a field error, builds an
    // ErrorText, or returns a refusal code from a helper (slug and webhook URL checks).
    [GeneratedRegex(@"OperationFailed\(|\.Check\(|\bv\.Add\(|ErrorText\.Of\(|\bDuplicate\(|\bRefuse\(|\breturn\s+""[a-z0-9]+_[a-z0-9_]+""|\?\s*""[a-z0-9]+_[a-z0-9_]+""\s*:")]
    private static partial Regex Refusal();

    // The problem's own code (the first argument of OperationFailed or of an ApiProblem, the argument of ThrowIfInvalid) is not a message.
    [GeneratedRegex(@"(?:OperationFailed\(|ThrowIfInvalid\(|new\(\d{3},)\s*""[^""]*""")]
    private static partial Regex ProblemCode();

    [GeneratedRegex(@"""([a-z0-9]+_[a-z0-9_]+)""")]
    private static partial Regex SnakeLiteral();

    private static IEnumerable<(string File, string Code, string Statement)> CodesUsedInSource()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Smartbis.sln"))) root = root.Parent;
        root.Should().NotBeNull("the tests run inside the repository");
        var web = Path.Combine(root!.FullName, "src", "Smartbis.Web");
        foreach (var path in Directory.EnumerateFiles(web, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(web, path);
            if (relative.StartsWith("Pages", StringComparison.Ordinal) || relative.StartsWith("bin", StringComparison.Ordinal)
                || relative.StartsWith("obj", StringComparison.Ordinal) || relative.Contains("Migrations")
                || relative.EndsWith("ErrorTexts.cs", StringComparison.Ordinal)) continue;
            var text = File.ReadAllText(path);
            foreach (var statement in text.Split(';'))
            {
                if (!Refusal().IsMatch(statement)) continue;
                var messages = ProblemCode().Replace(statement, "");
                foreach (Match m in SnakeLiteral().Matches(messages)) yield return (relative, m.Groups[1].Value, statement);
            }
        }
    }
}
