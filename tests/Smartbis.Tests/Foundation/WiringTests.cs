using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;

namespace Smartbis.Tests.Foundation;

/// <summary>
/// Wiring is visible (issue 19, item 4): every capability registers itself through one AddSmartbisX and maps itself
/// through one MapSmartbisX, each called from Program.cs and from nowhere else; nothing is mapped behind the pipeline's
/// back (no IStartupFilter).
/// </summary>
public sealed partial class WiringTests
{
    private static readonly Assembly Web = typeof(Smartbis.Web.Data.SmartbisDb).Assembly;

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Smartbis.sln"))) return dir.FullName;
        throw new InvalidOperationException("Smartbis.sln not found above " + AppContext.BaseDirectory);
    }

    private static IEnumerable<MethodInfo> SetupMethods() =>
        Web.GetTypes().Where(t => t is { IsAbstract: true, IsSealed: true }) // static classes
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(m => SetupName().IsMatch(m.Name) && m.IsDefined(typeof(System.Runtime.CompilerServices.ExtensionAttribute), false));

    [Fact]
    public void Every_AddSmartbis_and_MapSmartbis_is_called_from_Program_and_only_there()
    {
        var src = Path.Combine(Root(), "src", "Smartbis.Web");
        var program = File.ReadAllText(Path.Combine(src, "Program.cs"));
        var methods = SetupMethods().Select(m => m.Name).Distinct().ToList();
        methods.Should().Contain(["AddSmartbisLedger", "AddSmartbisPurchases", "AddSmartbisIntegrations", "MapSmartbisAutomations", "MapSmartbisApi"]);
        foreach (var name in methods)
            program.Should().Contain($".{name}()", $"{name} is wired from Program.cs");

        var elsewhere = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && Path.GetFileName(f) != "Program.cs")
            .SelectMany(f => methods.Where(m => Regex.IsMatch(File.ReadAllText(f), $@"\.{m}\(\)")).Select(m => $"{Path.GetRelativePath(src, f)} calls {m}"))
            .ToList();
        elsewhere.Should().BeEmpty("a capability is wired once, from Program.cs");
    }

    [Fact]
    public void Nothing_is_mapped_behind_the_pipelines_back()
    {
        Web.GetTypes().Where(t => typeof(IStartupFilter).IsAssignableFrom(t)).Should().BeEmpty(
            "an IStartupFilter runs ahead of the whole pipeline (exception handler, forwarded headers, request logging)");
    }

    [GeneratedRegex(@"^(Add|Map)Smartbis\w+$")]
    private static partial Regex SetupName();
}
