using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Tests.Tenancy;
using Smartbis.Web.Features.Integrations;

namespace Smartbis.Tests.Integrations;

/// <summary>/app/integrations: a manager creates a key (shown once, works on the API), revokes it; cashiers cannot get in.</summary>
public sealed partial class IntegrationsPageTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_manager_creates_a_key_shown_once_that_works_and_revokes_it()
    {
        var t = await TenantKit.CreateAsync(fixture.Factory, "integrations-page");
        using var client = fixture.CreateFormClient();
        (await client.SignInAsync(t.Manager.Email, t.Manager.Password)).StatusCode.Should().Be(HttpStatusCode.Redirect);

        var created = await client.SubmitAsync("/app/integrations",
            new Dictionary<string, string> { ["Key.Name"] = "POS Centro", ["Key.StoreId"] = t.StoreId.ToString() }, "/app/integrations?handler=CreateKey");
        var html = await created.Content.ReadAsStringAsync();
        created.StatusCode.Should().Be(HttpStatusCode.OK, html);
        var key = KeyPattern().Match(html).Value;
        key.Should().StartWith("sbk_");
        (await client.GetPageAsync("/app/integrations")).Should().NotContain(key, "the key is shown once");

        await using (var scope = fixture.CreateScope(t.Id))
        {
            var row = await scope.Db.ApiKeys.SingleAsync();
            row.KeyHash.Should().Be(ApiKey.Hash(key)).And.NotContain(key[4..]);
            row.StoreId.Should().Be(t.StoreId);
        }
        var api = fixture.Factory.CreateClient();
        api.DefaultRequestHeaders.Authorization = new("Bearer", key);
        (await api.GetAsync("/api/v1/customers/lookup?email=nobody@example.com")).StatusCode.Should().Be(HttpStatusCode.NotFound, "the key authenticates");

        Guid id;
        await using (var scope = fixture.CreateScope(t.Id)) id = await scope.Db.ApiKeys.Select(k => k.Id).SingleAsync();
        (await client.SubmitAsync("/app/integrations", new Dictionary<string, string>(), $"/app/integrations?handler=RevokeKey&id={id}"))
            .StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await api.GetAsync("/api/v1/customers/lookup?email=nobody@example.com")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        var refused = await client.SubmitAsync("/app/integrations",
            new Dictionary<string, string> { ["Webhook.Url"] = "not a url" }, "/app/integrations?handler=CreateWebhook");
        var refusedHtml = await refused.Content.ReadAsStringAsync();
        refusedHtml.Should().Contain("https://example.com/webhooks/smartbis").And.Contain("Escolha pelo menos um evento", "field errors are shown, in pt-BR by default");

        using var cashier = fixture.CreateFormClient();
        await cashier.SignInAsync(t.Cashier.Email, t.Cashier.Password);
        (await cashier.GetAsync("/app/integrations")).StatusCode.Should().NotBe(HttpStatusCode.OK);
    }

    [GeneratedRegex("sbk_[A-Za-z0-9_-]{43}")]
    private static partial Regex KeyPattern();
}
