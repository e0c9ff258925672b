using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Smartbis.Tests.Infrastructure;

namespace Smartbis.Tests.Security;

/// <summary>
/// Every cookie the app sets in the journeys of staff (sign-in, counter store, language) and members (portal sign-in),
/// and the antiforgery cookie, is HttpOnly, SameSite and Secure over HTTPS. Outside Development they are always Secure
/// (behind a TLS-terminating proxy the scheme comes from X-Forwarded-Proto); Development relaxes only Secure, and only
/// on a plain-HTTP request, for ./run.sh on http://localhost.
/// </summary>
public sealed class CookieTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    /// <summary>Records the raw Set-Cookie headers the server sends, under a cookie container (so the journey keeps its session).</summary>
    private sealed class SetCookieRecorder : DelegatingHandler
    {
        public List<string> SetCookies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var response = await base.SendAsync(request, ct);
            if (response.Headers.TryGetValues("Set-Cookie", out var values)) lock (SetCookies) SetCookies.AddRange(values);
            return response;
        }
    }

    private static (FormClient Client, SetCookieRecorder Recorder) Client(WebApplicationFactory<Program> factory, string baseAddress)
    {
        var recorder = new SetCookieRecorder();
        var http = factory.CreateDefaultClient(new Uri(baseAddress), new CookieContainerHandler(), recorder);
        return (new FormClient(http), recorder);
    }

    [Fact]
    public async Task Staff_member_and_antiforgery_cookies_are_HttpOnly_SameSite_and_Secure_over_https()
    {
        var t = await SecurityKit.SeedAsync(fixture, "cookies");
        var (staff, staffCookies) = Client(fixture.Factory, "https://localhost");
        (await staff.SignInAsync(t.T.Owner.Email, t.T.Owner.Password)).StatusCode.Should().Be(HttpStatusCode.Redirect);
        var token = FormClient.FindAntiforgeryToken(await staff.GetPageAsync("/app/staff"));
        (await staff.PostAsync("/counter?handler=Store", [new("storeId", t.StoreId.ToString())], token)).StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await staff.PostAsync("/account/language", [new("culture", "en"), new("returnUrl", "/app")], token)).StatusCode.Should().Be(HttpStatusCode.Redirect);

        var (member, memberCookies) = Client(fixture.Factory, "https://localhost");
        await SecurityKit.PortalClientAsync(fixture, t, member);

        var all = staffCookies.SetCookies.Concat(memberCookies.SetCookies).ToList();
        var names = all.Select(Name).Distinct().ToList();
        names.Should().Contain(["smartbis.af", "smartbis.staff", "smartbis.customer", "smartbis.counter.store"]);
        foreach (var cookie in all.Where(c => !IsDeletion(c)))
        {
            var attributes = Attributes(cookie);
            attributes.Should().Contain("httponly", "{0} must be HttpOnly", cookie);
            attributes.Should().Contain("secure", "{0} must be Secure over HTTPS", cookie);
            attributes.Should().Contain(a => a == "samesite=lax" || a == "samesite=strict", "{0} must be SameSite", cookie);
        }
    }

    [Fact]
    public async Task Outside_development_behind_a_TLS_proxy_cookies_are_Secure()
    {
        var t = await SecurityKit.SeedAsync(fixture, "cookies-prod");
        // Production requires an SMTP server to be named; nothing is sent in this test.
        await using var production = fixture.Factory.WithWebHostBuilder(b => b.UseEnvironment("Production")
            .UseSetting("Smartbis:Smtp:Host", "127.0.0.1").UseSetting("Smartbis:Smtp:Port", "2525"));
        // Requests reach the app as a TLS-terminating proxy forwards them: plain HTTP inside, X-Forwarded-Proto: https.
        // The browser holds the cookies (a cookie container would not send Secure cookies over http://, as browsers do not).
        var recorder = new SetCookieRecorder();
        using var http = production.CreateDefaultClient(new Uri("http://localhost"), recorder);
        http.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        using var signIn = await http.GetAsync("/account/signin");
        var html = await signIn.Content.ReadAsStringAsync();
        signIn.StatusCode.Should().Be(HttpStatusCode.OK, html.Length > 500 ? html[..500] : html);
        var antiforgery = recorder.SetCookies.Single(c => Name(c) == "smartbis.af").Split(';')[0];
        using var post = new HttpRequestMessage(HttpMethod.Post, "/account/signin")
        {
            Content = new FormUrlEncodedContent([new("Input.Email", t.T.Owner.Email), new("Input.Password", t.T.Owner.Password),
                new(FormClient.TokenField, FormClient.FindAntiforgeryToken(html)!)]),
        };
        post.Headers.Add("Cookie", antiforgery);
        using var posted = await http.SendAsync(post);
        posted.StatusCode.Should().Be(HttpStatusCode.Redirect);

        recorder.SetCookies.Select(Name).Should().Contain(["smartbis.af", "smartbis.staff"]);
        foreach (var cookie in recorder.SetCookies.Where(c => !IsDeletion(c)))
            Attributes(cookie).Should().Contain(["httponly", "secure"], "{0} outside Development", cookie);
    }

    [Fact]
    public async Task In_development_on_plain_http_the_staff_cookie_is_HttpOnly_and_SameSite_but_not_Secure_so_run_sh_works()
    {
        var t = await SecurityKit.SeedAsync(fixture, "cookies-dev");
        var (staff, recorder) = Client(fixture.Factory, "http://localhost");
        (await staff.SignInAsync(t.T.Owner.Email, t.T.Owner.Password)).StatusCode.Should().Be(HttpStatusCode.Redirect);
        var session = recorder.SetCookies.Single(c => Name(c) == "smartbis.staff" && !IsDeletion(c));
        Attributes(session).Should().Contain(["httponly", "samesite=lax"]).And.NotContain("secure");
    }

    private static string Name(string setCookie) => setCookie[..setCookie.IndexOf('=')].Trim();
    private static bool IsDeletion(string setCookie) => setCookie.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase);
    private static List<string> Attributes(string setCookie) =>
        setCookie.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant()).ToList();
}
