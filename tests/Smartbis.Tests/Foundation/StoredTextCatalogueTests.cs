using System.Globalization;
using System.Text.RegularExpressions;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Tests.Foundation;

/// <summary>
/// Stored texts are a kind plus values, put into words when read (docs/ledger.md, "What an entry says"): every kind of
/// ledger entry text, every audit action and every term has an English and a pt-BR text with the same placeholders,
/// every <see cref="EntryKind"/> has a text that needs no values, and every action the source records has its text.
/// </summary>
public sealed partial class StoredTextCatalogueTests
{
    private static readonly CultureInfo PtBr = CultureInfo.GetCultureInfo("pt-BR");

    [Fact]
    public void Every_ledger_entry_text_has_an_English_and_a_pt_BR_template_with_the_same_placeholders()
    {
        EntryText.Templates.Should().HaveCountGreaterThan(30);
        foreach (var (kind, english) in EntryText.Templates)
        {
            english.Should().NotBeNullOrWhiteSpace(kind);
            var portuguese = EntryText.Translation(kind, PtBr);
            portuguese.Should().NotBeNullOrWhiteSpace($"{kind} needs a pt-BR text in Features/Ledger/EntryText.pt-BR.resx");
            StoredTexts.Names(portuguese!).Should().BeEquivalentTo(StoredTexts.Names(english), $"the pt-BR text of {kind} names the same values");
        }
    }

    [Fact]
    public void Every_entry_kind_has_a_text_that_needs_no_values()
    {
        foreach (var kind in Enum.GetValues<EntryKind>())
        {
            var plain = EntryText.Plain(kind);
            EntryText.Templates.Should().ContainKey(plain, $"{kind} falls back to {plain}");
            StoredTexts.Names(EntryText.Templates[plain]).Where(n => n != "currency").Should().BeEmpty($"{plain} is the fallback of {kind}: it needs no values");
        }
    }

    [Fact]
    public void Every_audit_action_and_term_has_an_English_and_a_pt_BR_text_with_the_same_placeholders()
    {
        foreach (var (key, english) in AuditText.Keys)
        {
            var portuguese = AuditText.Translation(key, PtBr);
            portuguese.Should().NotBeNullOrWhiteSpace($"{key} needs a pt-BR text in Features/Audit/AuditText.pt-BR.resx");
            StoredTexts.Names(portuguese!).Should().BeEquivalentTo(StoredTexts.Names(english), $"the pt-BR text of {key} names the same values");
        }
    }

    [Fact]
    public void Every_status_and_channel_shown_has_an_English_and_a_pt_BR_text()
    {
        foreach (var type in StatusText.Enums)
            foreach (var name in Enum.GetNames(type))
            {
                var key = $"{type.Name}.{name}";
                StatusText.Texts.Should().ContainKey(key, $"add the English text of {key} to StatusText.Texts");
                StatusText.Translation(key, PtBr).Should().NotBeNullOrWhiteSpace($"{key} needs a pt-BR text in Infrastructure/StatusText.pt-BR.resx");
            }
        StatusText.Of(Smartbis.Web.Features.Automations.MessageStatus.Bounced, PtBr).Should().Be("Devolvida");
        StatusText.Of(Smartbis.Web.Features.Automations.MessageStatus.Bounced, CultureInfo.GetCultureInfo("en")).Should().Be("Bounced");
    }

    [Fact]
    public void Every_action_the_source_records_has_a_title_and_its_values_fill_its_detail()
    {
        var src = Path.Combine(SourceRoot(), "src", "Smartbis.Web");
        var found = 0;
        foreach (var file in Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/") && !f.Contains("/bin/")))
        {
            var text = File.ReadAllText(file);
            foreach (Match call in AuditCall().Matches(text))
            {
                var statement = text.Substring(call.Index, Math.Min(1500, text.Length - call.Index));
                statement = statement[..(statement.IndexOf(");", StringComparison.Ordinal) + 1)];
                foreach (Match action in ActionLiteral().Matches(statement))
                {
                    found++;
                    var name = action.Groups[1].Value;
                    AuditText.Actions.Should().ContainKey(name, $"{file} records \"{name}\": add its title (and detail) to AuditText.Actions and the resx");
                    if (AuditText.Actions[name].Detail is { } detail)
                        foreach (var placeholder in StoredTexts.Names(detail))
                            Regex.IsMatch(statement, $@"values:.*\b{placeholder}\b", RegexOptions.Singleline)
                                .Should().BeTrue($"{file} records \"{name}\", whose detail names {{{placeholder}}}: give it in values");
                }
            }
        }
        found.Should().BeGreaterThan(40, "the scan must find the audit calls");
    }

    [GeneratedRegex(@"RecordAudit\.Add\(")]
    private static partial Regex AuditCall();

    [GeneratedRegex(@"""([a-z_]+\.[a-z_]+)""")]
    private static partial Regex ActionLiteral();

    private static string SourceRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Smartbis.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Smartbis.sln not found above the test's directory.");
    }
}
