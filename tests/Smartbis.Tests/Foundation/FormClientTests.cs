using System.Net;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Data.Seed;

namespace Smartbis.Tests.Foundation;

/// <summary>The test HTTP client drives the real sign-in form: antiforgery token, Secure cookie, redirects.</summary>
public sealed class FormClientTests(FormClientTests.SeededFixture fixture) : IClassFixture<FormClientTests.SeededFixture>
{
    public sealed class SeededFixture : DatabaseFixture
    {
        protected override void ConfigureSettings(IDictionary<string, string?> settings)
        {
            settings["Smartbis:Seed:Demo"] = "true";
            settings["Smartbis:Seed:Customers"] = "0"; // tenants and staff only
        }
    }

    private static readonly DemoSeed.DemoTenant Velluto = DemoSeed.Tenants.Single(t => t.Slug == "velluto");

    [Fact]
    public async Task Signs_in_through_the_form_and_keeps_the_staff_cookie()
    {
        using var client = fixture.CreateFormClient();

        using var signIn = await client.SignInAsync(Velluto.Owner.Email, Velluto.Owner.Password);

        signIn.StatusCode.Should().Be(HttpStatusCode.Redirect, client.LastHtml);
        signIn.Headers.GetValues("Set-Cookie").Should().Contain(c => c.StartsWith("smartbis.staff=") && c.Contains("secure"));
        var dashboard = await client.GetPageAsync("/app");
        WebUtility.HtmlDecode(dashboard).Should().Contain(Velluto.Name);
    }

    [Fact]
    public async Task A_form_posted_without_the_antiforgery_token_is_refused()
    {
        using var client = fixture.CreateFormClient();
        await client.GetPageAsync("/account/signin"); // has the antiforgery cookie, but the post omits the token

        using var response = await client.PostAsync("/account/signin",
            [new("Input.Email", Velluto.Owner.Email), new("Input.Password", Velluto.Owner.Password)], token: null);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }
}
