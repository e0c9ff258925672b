using System.Net;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Automations;

namespace Smartbis.Tests.Security;

/// <summary>
/// Stored XSS: customers named with markup (enrolled through the API and through the portal join form) are shown
/// escaped — never as the raw tag — in the dashboard's customer list and detail, the counter card, the member's own
/// portal home, and a rendered email body.
/// </summary>
public sealed class StoredXssTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private static readonly string[] Names = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>"];

    [Fact]
    public async Task Names_with_markup_render_escaped_in_the_dashboard_counter_portal_and_email()
    {
        var t = await SecurityKit.SeedAsync(fixture, "xss");
        var api = fixture.Factory.ApiClient(t.ApiKey);
        var ids = new List<(Guid Id, string Name, string Email)>();
        foreach (var name in Names)
        {
            var email = $"xss-{Guid.NewGuid():N}@example.com";
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/customers")
            {
                Content = new StringContent(SecurityKit.Json(new { name, email, phone = Features.LedgerTestKit.NewPhone() }), System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            using var r = await api.SendAsync(request);
            var body = await r.Content.ReadAsStringAsync();
            r.StatusCode.Should().Be(HttpStatusCode.Created, body);
            ids.Add((System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid(), name, email));
        }
        // And one through the portal's own join form.
        using (var visitor = fixture.CreateFormClient())
        using (var joined = await visitor.SubmitAsync($"/{t.Slug}/join", new Dictionary<string, string>
        {
            ["Input.Name"] = Names[1] + " joiner", ["Input.Email"] = "xss-joiner@example.com", ["Input.AcceptTerms"] = "true",
        }))
            joined.StatusCode.Should().Be(HttpStatusCode.Redirect, "a name is free text: the markup is stored as typed, and escaped when shown");

        using var owner = fixture.CreateFormClient();
        (await owner.SignInAsync(t.T.Owner.Email, t.T.Owner.Password)).StatusCode.Should().Be(HttpStatusCode.Redirect);
        var token = FormClient.FindAntiforgeryToken(await owner.GetPageAsync("/app/staff"));
        (await owner.PostAsync("/counter?handler=Store", [new("storeId", t.StoreId.ToString())], token)).StatusCode.Should().Be(HttpStatusCode.Redirect);

        var list = await owner.GetPageAsync("/app/customers");
        AssertEscaped(list, "customer list", Names[0], Names[1], Names[1] + " joiner");
        foreach (var (id, name, email) in ids)
        {
            AssertEscaped(await owner.GetPageAsync($"/app/customers/{id}"), "customer detail", name);
            AssertEscaped(await owner.GetPageAsync($"/counter?c={id}"), "counter card", name);
            var seeded = t with { CustomerId = id, Email = email };
            var member = await SecurityKit.PortalClientAsync(fixture, seeded);
            // The portal greets the member by first name (the first word): that part is shown, escaped; the raw tag never.
            AssertEscaped(await member.GetPageAsync($"/{t.Slug}/home"), "portal home", name.Split(' ')[0]);
        }

        var email1 = RenderTemplate.Email(DefaultTemplates.For(Triggers.Welcome, Web.Features.Customers.Channel.Email, "en"),
            new Dictionary<string, string> { ["customer_name"] = Names[1], ["program_name"] = Names[0] },
            new EmailLayout(Names[0], "#0d6efd", "Unsubscribe", "Footer"));
        email1.Html.Should().NotContain("<script>").And.NotContain("<img src=x").And.Contain("&lt;script&gt;");
    }

    private static void AssertEscaped(string html, string where, params string[] names)
    {
        foreach (var name in names)
        {
            html.Should().NotContain(name, "the {0} must not contain the raw markup {1}", where, name);
            html.Should().Contain(System.Text.Encodings.Web.HtmlEncoder.Default.Encode(name), "the {0} shows the name, escaped", where);
        }
        html.Should().NotContain("<img src=x onerror", where).And.NotContain("<script>alert(1)", where);
    }
}
