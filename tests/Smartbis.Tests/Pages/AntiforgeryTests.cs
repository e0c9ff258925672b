using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;
using Smartbis.Tests.Infrastructure;
using Smartbis.Tests.Tenancy;

namespace Smartbis.Tests.Pages;

public sealed class AntiforgeryFixture : DatabaseFixture
{
    protected override void ConfigureSettings(IDictionary<string, string?> settings) =>
        settings["Smartbis:Operators"] = "owner@antiforgery.test";
}

/// <summary>Every Razor Page POST handler, found by enumerating the app's pages, refuses a request without a valid antiforgery token.</summary>
public sealed partial class AntiforgeryTests(AntiforgeryFixture fixture) : IClassFixture<AntiforgeryFixture>
{
    /// <summary>Pages that opt out on purpose, with the reason. A new opt-out fails this test until it is listed here.</summary>
    private static readonly Dictionary<string, string> OptOuts = new()
    {
        ["Smartbis.Web.Pages.ErrorModel"] = "renders the error of a failed request, whatever its method; changes nothing",
        ["Smartbis.Web.Pages.Unsubscribe.IndexModel"] = "RFC 8058 one-click opt-out: mail clients POST without cookies or token; the signed link authorizes it, and it only withdraws consent",
    };

    [Fact]
    public async Task Every_post_handler_rejects_a_request_without_a_valid_antiforgery_token()
    {
        var t = await TenantKit.CreateAsync(fixture.Factory, "antiforgery");
        using var client = fixture.CreateFormClient();
        (await client.SignInAsync(t.Owner.Email, t.Owner.Password)).Dispose();

        var handlers = PostHandlers().ToList();
        handlers.Should().HaveCountGreaterThan(5, "the sign-in, sign-out, language, stores, settings and switch pages post forms");
        var checkedCount = 0;
        foreach (var (route, model, handler) in handlers)
        {
            if (model.GetCustomAttribute<IgnoreAntiforgeryTokenAttribute>() is not null)
            {
                OptOuts.Should().ContainKey(model.FullName!, $"{model.Name} skips antiforgery without a listed reason");
                continue;
            }
            var url = Fill(route) + (handler is null ? "" : $"?handler={handler}");
            using var noToken = await client.PostAsync(url, [new("x", "1")], token: null);
            noToken.StatusCode.Should().Be(HttpStatusCode.BadRequest, $"POST {url} without a token must be refused");
            using var badToken = await client.PostAsync(url, [new("x", "1")], token: "CfDJ8-not-a-real-token");
            badToken.StatusCode.Should().Be(HttpStatusCode.BadRequest, $"POST {url} with a forged token must be refused");
            checkedCount++;
        }
        checkedCount.Should().BeGreaterThan(5);
    }

    /// <summary>(route template, page model type, named handler or null) for every OnPost* method of every page.</summary>
    private IEnumerable<(string Route, Type Model, string? Handler)> PostHandlers()
    {
        var pages = fixture.Factory.Services.GetRequiredService<IActionDescriptorCollectionProvider>()
            .ActionDescriptors.Items.OfType<Microsoft.AspNetCore.Mvc.RazorPages.PageActionDescriptor>()
            .GroupBy(p => p.RelativePath).Select(g => g.First());
        var assembly = typeof(Program).Assembly;
        foreach (var page in pages)
        {
            // Convention: Pages/Account/SignIn.cshtml → Smartbis.Web.Pages.Account.SignInModel (or IndexModel in its namespace).
            var name = "Smartbis.Web" + page.RelativePath[..^".cshtml".Length].Replace('/', '.') + "Model";
            var model = assembly.GetType(name);
            if (model is null || !typeof(PageModel).IsAssignableFrom(model)) continue;
            foreach (var method in model.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                var m = PostHandlerName().Match(method.Name);
                if (!m.Success) continue;
                var handler = m.Groups[1].Value;
                yield return (page.AttributeRouteInfo?.Template ?? page.ViewEnginePath, model, handler.Length == 0 ? null : handler);
            }
        }
    }

    // Any value the route constraint accepts will do: antiforgery runs before the handler looks anything up.
    private static string Fill(string template) =>
        "/" + RouteParameter().Replace(template.TrimStart('/'), p => (p.Groups[1].Value, p.Groups[2].Value) switch
        {
            (_, ":guid") => Guid.NewGuid().ToString(),
            (_, ":int" or ":long") => "1",
            ("code", _) => "404",
            ("tenant", _) => "antiforgery",
            _ => "new",
        });

    [GeneratedRegex(@"^OnPost(\w*?)(Async)?$")]
    private static partial Regex PostHandlerName();

    [GeneratedRegex(@"\{(\w+)(:\w+)?[^}]*\}")]
    private static partial Regex RouteParameter();
}
