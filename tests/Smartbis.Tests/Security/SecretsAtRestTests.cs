using System.Net;
using System.Text.RegularExpressions;
using Npgsql;
using Smartbis.Tests.Infrastructure;

namespace Smartbis.Tests.Security;

/// <summary>
/// Secrets a merchant gives or receives (the WhatsApp access token, a webhook's signing secret) are stored encrypted:
/// the raw columns, read straight from PostgreSQL, never contain them; the app still uses them (a delivery is signed).
/// </summary>
public sealed partial class SecretsAtRestTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task The_WhatsApp_token_and_webhook_secrets_are_not_stored_in_plain_text()
    {
        var t = await SecurityKit.SeedAsync(fixture, "secrets");
        using var client = fixture.CreateFormClient();
        (await client.SignInAsync(t.T.Owner.Email, t.T.Owner.Password)).StatusCode.Should().Be(HttpStatusCode.Redirect);

        const string token = "EAAGplain-whatsapp-access-token-0123456789abcdef";
        using (var saved = await client.SubmitAsync("/app/automations/settings", new Dictionary<string, string>
        {
            ["Input.SenderName"] = "Secrets", ["Input.QuietFrom"] = "21:00", ["Input.QuietUntil"] = "08:00", ["Input.MaxPerDay"] = "2",
            ["Input.MaxPerWeek"] = "5", ["Input.WhatsAppPhoneNumberId"] = "1234567890", ["Input.WhatsAppToken"] = token,
        }))
            saved.StatusCode.Should().BeOneOf(HttpStatusCode.Redirect, HttpStatusCode.OK);
        var settingsRow = await RawRowsAsync("messaging_settings", t.Id);
        settingsRow.Should().Contain("1234567890", "the settings were saved (the phone number id is not a secret)");
        settingsRow.Should().NotContain(token).And.NotContain("0123456789abcdef");

        using var created = await client.SubmitAsync("/app/integrations",
            new Dictionary<string, string> { ["Webhook.Url"] = "https://hooks.secrets.example/in", ["Webhook.Events"] = "purchase.recorded" },
            "/app/integrations?handler=CreateWebhook");
        var html = await created.Content.ReadAsStringAsync();
        created.StatusCode.Should().Be(HttpStatusCode.OK, html);
        var shown = WebhookSecret().Match(html);
        shown.Success.Should().BeTrue("the new secret is shown once on the page");
        var secret = shown.Value;
        var webhookRows = await RawRowsAsync("webhook_subscriptions", t.Id);
        webhookRows.Should().Contain("hooks.secrets.example", "the webhook was saved");
        webhookRows.Should().NotContain(secret).And.NotContain(secret["whsec_".Length..]);

        // Still usable: the app reads it back to sign deliveries.
        await using var scope = fixture.CreateScope(t.Id);
        var stored = scope.Db.WebhookSubscriptions.Single(w => w.Url == "https://hooks.secrets.example/in").Secret;
        Web.Features.Integrations.WebhookSecrets.Reveal(scope.Get<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>(), stored).Should().Be(secret);
    }

    /// <summary>Every row of <paramref name="table"/> for the tenant, as PostgreSQL's text form, read as the superuser.</summary>
    private async Task<string> RawRowsAsync(string table, Guid tenantId)
    {
        var cs = new NpgsqlConnectionStringBuilder(fixture.Server.AdminConnectionString)
        { Database = new NpgsqlConnectionStringBuilder(fixture.ConnectionString).Database, Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SELECT coalesce(string_agg(t::text, E'\\n'), '') FROM {table} t WHERE tenant_id = @t", connection);
        cmd.Parameters.AddWithValue("t", tenantId);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    [GeneratedRegex(@"whsec_[A-Za-z0-9_\-]{20,}")]
    private static partial Regex WebhookSecret();
}
