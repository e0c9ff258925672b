using System.Net;
using System.Text.RegularExpressions;
using FluentAssertions.Execution;
using Smartbis.Tests.Infrastructure;

namespace Smartbis.Tests.Security;

/// <summary>
/// Every page (public, dashboard, counter, portal, errors) and the API answer with the security headers: a CSP whose
/// script-src has no 'unsafe-inline', frame-ancestors 'none', nosniff and a referrer policy. And no page relies on
/// inline script (which that CSP would block): no &lt;script&gt; without src (JSON data blocks aside), no on* handlers,
/// no javascript: links.
/// </summary>
public sealed partial class SecurityHeadersTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    /// <summary>Third-party UIs that need inline script, confined to their own paths (see SecurityHeaders.cs).</summary>
    private static readonly Dictionary<string, string> InlineScriptExceptions = new()
    {
        ["/admin/jobs"] = "the Hangfire dashboard, operators only",
        ["/api/docs"] = "the Scalar API reference: no user data, no forms",
    };

    [Fact]
    public async Task Pages_and_api_send_the_security_headers_and_pages_have_no_inline_script()
    {
        var t = await SecurityKit.SeedAsync(fixture, "headers");
        using var staff = fixture.CreateFormClient();
        (await staff.SignInAsync(t.T.Owner.Email, t.T.Owner.Password)).StatusCode.Should().Be(HttpStatusCode.Redirect);
        var token = FormClient.FindAntiforgeryToken(await staff.GetPageAsync("/app/staff"));
        (await staff.PostAsync("/counter?handler=Store", [new("storeId", t.StoreId.ToString())], token)).Dispose();
        var member = await SecurityKit.PortalClientAsync(fixture, t);
        using var anonymous = fixture.CreateFormClient();
        var api = fixture.Factory.ApiClient(t.ApiKey);

        var pages = new (HttpClient Client, string Url)[]
        {
            (anonymous.Http, "/"), (anonymous.Http, "/signup"), (anonymous.Http, "/account/signin"), (anonymous.Http, "/error/404"),
            (anonymous.Http, "/no-such-page/at/all"), (anonymous.Http, $"/{t.Slug}"), (anonymous.Http, $"/{t.Slug}/join"), (anonymous.Http, $"/{t.Slug}/signin"),
            (staff.Http, "/app"), (staff.Http, "/app/customers"), (staff.Http, $"/app/customers/{t.CustomerId}"), (staff.Http, "/app/program"),
            (staff.Http, "/app/automations"), (staff.Http, "/app/automations/template"), (staff.Http, "/app/automations/settings"),
            (staff.Http, "/app/integrations"), (staff.Http, "/app/reports/liability"), (staff.Http, "/app/staff"), (staff.Http, "/app/stores"),
            (staff.Http, "/app/anomalies"), (staff.Http, "/app/audit"), (staff.Http, "/app/welcome"), (staff.Http, "/app/settings"),
            (staff.Http, "/counter"), (staff.Http, $"/counter?c={t.CustomerId}"), (staff.Http, $"/counter/receipt/{t.PurchaseId}"),
            (staff.Http, $"/counter/refund/{t.PurchaseId}"), (member.Http, $"/{t.Slug}/home"), (member.Http, $"/{t.Slug}/preferences"),
            (member.Http, $"/{t.Slug}/referrals"),
        };
        using (new AssertionScope())
        {
            foreach (var (client, url) in pages)
            {
                using var r = await client.GetAsync(url);
                var html = await r.Content.ReadAsStringAsync();
                ((int)r.StatusCode).Should().BeOneOf([200, 404], "GET {0}", url);
                AssertHeaders(r, url);
                InlineScripts(html).Should().BeEmpty("{0} must not rely on inline script (the CSP blocks it)", url);
            }
            foreach (var url in new[] { "/api/v1/program", $"/api/v1/customers/{t.CustomerId}", "/api/v1/customers/not-a-guid" })
            {
                using var r = await api.GetAsync(url);
                AssertHeaders(r, url);
            }
        }
    }

    private static void AssertHeaders(HttpResponseMessage r, string url)
    {
        var csp = r.Headers.TryGetValues("Content-Security-Policy", out var v) ? string.Join(";", v) : "";
        var directives = csp.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d);
        directives.Should().ContainKey("script-src", "{0} CSP: {1}", url, csp);
        directives.GetValueOrDefault("script-src").Should().NotContain("'unsafe-inline'", url).And.NotContain("'unsafe-eval'", url).And.NotContain("*", url);
        directives.GetValueOrDefault("frame-ancestors").Should().Be("frame-ancestors 'none'", url);
        directives.GetValueOrDefault("default-src").Should().Be("default-src 'self'", url);
        directives.GetValueOrDefault("base-uri").Should().Be("base-uri 'self'", url);
        r.Headers.TryGetValues("X-Content-Type-Options", out var nosniff).Should().BeTrue(url);
        nosniff!.Single().Should().Be("nosniff");
        r.Headers.TryGetValues("Referrer-Policy", out var referrer).Should().BeTrue(url);
        referrer!.Single().Should().BeOneOf("strict-origin-when-cross-origin", "same-origin", "no-referrer", "strict-origin");
        r.Headers.TryGetValues("X-Frame-Options", out var frame).Should().BeTrue(url);
        frame!.Single().Should().Be("DENY");
    }

    [Fact]
    public async Task Only_the_listed_third_party_paths_allow_inline_script()
    {
        using var client = fixture.CreateFormClient();
        foreach (var path in InlineScriptExceptions.Keys)
        {
            using var r = await client.Http.GetAsync(path);
            var csp = string.Join(";", r.Headers.GetValues("Content-Security-Policy"));
            csp.Should().Contain("'unsafe-inline'", "{0} is an exception ({1})", path, InlineScriptExceptions[path]);
            csp.Should().Contain("frame-ancestors 'none'");
        }
        using var other = await client.Http.GetAsync("/admin/jobsx");
        string.Join(";", other.Headers.GetValues("Content-Security-Policy")).Should().NotContain("script-src 'self' 'unsafe-inline'",
            "the exception is the path segment, not a prefix of any path");
    }

    private static List<string> InlineScripts(string html) =>
        ScriptTag().Matches(html).Select(m => m.Value)
            .Where(tag => !tag.Contains(" src=", StringComparison.OrdinalIgnoreCase) && !tag.Contains("type=\"application/json\"", StringComparison.OrdinalIgnoreCase))
            .Concat(EventHandler().Matches(html).Select(m => m.Value))
            .Concat(JavascriptUrl().Matches(html).Select(m => m.Value))
            .ToList();

    [GeneratedRegex(@"<script\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();

    [GeneratedRegex(@"<[a-z][^>]*\s on[a-z]+\s*=", RegexOptions.IgnoreCase | RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex EventHandler();

    [GeneratedRegex(@"(href|src|action)\s*=\s*[""']?\s*javascript:", RegexOptions.IgnoreCase)]
    private static partial Regex JavascriptUrl();
}
