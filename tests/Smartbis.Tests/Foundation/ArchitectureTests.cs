using System.Reflection;
using System.Text.RegularExpressions;

namespace Smartbis.Tests.Foundation;

/// <summary>
/// The seams of ../shared/ARCHITECTURE.md ("Writes, errors and rules") checked on the code itself: a write is an operation
/// in Features/ that owns its transaction, so page models only bind, call and render; and Features never lean on Pages.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly Regex Write = new(@"\b(SaveChanges|SaveChangesAsync|BeginTransaction|BeginTransactionAsync|ExecuteUpdate|ExecuteUpdateAsync|ExecuteDelete|ExecuteDeleteAsync)\b");
    private static readonly Regex PagesReference = new(@"\bSmartbis\.Web\.Pages\b|(?<![\w.])Pages\.[A-Z]");

    [Fact]
    public void Page_models_do_not_save_open_transactions_or_run_bulk_writes()
    {
        var offenders = Matches(Path.Combine(Web, "Pages"), Write, "*.cs", "*.cshtml");

        offenders.Should().BeEmpty("a write is an operation in Features/ that owns its transaction (ARCHITECTURE.md); the page binds, calls it and renders");
    }

    [Fact]
    public void The_write_scan_finds_a_write_where_there_is_one()
    {
        // The scan above proves something only if it sees writes: it must find them in an operation that makes them.
        Matches(Path.Combine(Web, "Features", "Staff"), Write, "RemoveStaffMember.cs").Should().Contain(m => m.Contains("SaveChangesAsync"))
            .And.Contain(m => m.Contains("BeginTransactionAsync"));
        Write.IsMatch("await db.Things.Where(t => t.Old).ExecuteDeleteAsync(ct);").Should().BeTrue();
        Write.IsMatch("// nothing here saves: SaveChanges is the operation's").Should().BeTrue("comments are stripped before the scan, not by the pattern");
        Code("x(); // SaveChanges").Should().Be("x(); ");
    }

    [Fact]
    public void Features_do_not_name_the_pages_namespace()
    {
        var offenders = Matches(Path.Combine(Web, "Features"), PagesReference, "*.cs");

        offenders.Should().BeEmpty("Features/ are called by pages, endpoints and jobs alike; they cannot depend on one of their callers");
        PagesReference.IsMatch("IStringLocalizer<Pages.Counter.CounterText> l").Should().BeTrue();
        PagesReference.IsMatch("using Smartbis.Web.Pages.App;").Should().BeTrue();
        PagesReference.IsMatch("public sealed record Page(IReadOnlyList<Row> Rows, int Total, int PageNumber, int Pages);").Should().BeFalse();
    }

    [Fact]
    public void Features_types_do_not_use_page_types_in_their_signatures()
    {
        var assembly = typeof(Smartbis.Web.Features.Tenancy.TenantContext).Assembly;
        var features = assembly.GetTypes().Where(t => t.Namespace?.StartsWith("Smartbis.Web.Features", StringComparison.Ordinal) == true).ToList();
        features.Should().NotBeEmpty();

        var offenders = features.SelectMany(t => Signature(t).Where(IsPage).Select(used => $"{t.FullName} uses {used.FullName}")).Distinct().ToList();

        offenders.Should().BeEmpty("Features/ cannot depend on the pages that call them (constructor parameters, fields, properties, methods, base types)");
        Signature(typeof(Holder)).Should().Contain(typeof(Smartbis.Web.Pages.Counter.CounterText), "the signature walk sees generic arguments");
    }

    // A type that leans on a page type in a generic argument: proves the signature walk above can fail.
    private sealed class Holder(Microsoft.Extensions.Localization.IStringLocalizer<Smartbis.Web.Pages.Counter.CounterText> l)
    {
        public string Text => l["x"];
    }

    private static bool IsPage(Type t) => t.Namespace?.StartsWith("Smartbis.Web.Pages", StringComparison.Ordinal) == true;

    /// <summary>Every type a type names in its shape: base, interfaces, fields, properties, constructors and methods, generic arguments included.</summary>
    private static IEnumerable<Type> Signature(Type t)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var named = new List<Type>();
        if (t.BaseType is { } b) named.Add(b);
        named.AddRange(t.GetInterfaces());
        named.AddRange(t.GetFields(all).Select(f => f.FieldType));
        named.AddRange(t.GetProperties(all).Select(p => p.PropertyType));
        foreach (var m in t.GetConstructors(all).Cast<MethodBase>().Concat(t.GetMethods(all)))
        {
            named.AddRange(m.GetParameters().Select(p => p.ParameterType));
            if (m is MethodInfo mi) named.Add(mi.ReturnType);
        }
        return named.SelectMany(Flatten);
    }

    private static IEnumerable<Type> Flatten(Type t)
    {
        if (t.HasElementType) return Flatten(t.GetElementType()!);
        return t.IsGenericType ? new[] { t }.Concat(t.GetGenericArguments().SelectMany(Flatten)) : [t];
    }

    private static List<string> Matches(string folder, Regex pattern, params string[] globs) =>
        globs.SelectMany(g => Directory.EnumerateFiles(folder, g, SearchOption.AllDirectories)).Distinct()
            .SelectMany(file => File.ReadAllLines(file).Select((line, i) => (file, line: Code(line), number: i + 1)))
            .Where(x => pattern.IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(Web, x.file)}:{x.number}: {x.line.Trim()}")
            .ToList();

    /// <summary>A line without its // or @* comment: the scans read code, not the comments that explain it.</summary>
    private static string Code(string line)
    {
        var cut = line.IndexOf("//", StringComparison.Ordinal);
        if (cut >= 0 && !line[..cut].Contains("http", StringComparison.Ordinal)) line = line[..cut];
        var razor = line.IndexOf("@*", StringComparison.Ordinal);
        return razor >= 0 ? line[..razor] : line;
    }

    private static readonly string Web = Path.Combine(Root(), "src", "Smartbis.Web");

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Smartbis.sln"))) return dir.FullName;
        throw new InvalidOperationException("Smartbis.sln not found above " + AppContext.BaseDirectory);
    }
}
