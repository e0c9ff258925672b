using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Smartbis.Tests.Features;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Tests.Automations;

/// <summary>
/// tenant_keys (issue 15): a WhatsApp phone number id belongs to one business platform-wide, the row follows the
/// settings, and the status webhook finds the tenant by the number Meta names in the change.
/// </summary>
public sealed class TenantKeysTests(AutomationsFixture fixture) : IClassFixture<AutomationsFixture>
{
    [Fact]
    public async Task A_whatsapp_number_belongs_to_one_business_and_its_status_webhook_finds_the_tenant_by_it()
    {
        fixture.Clock.StartAt(new DateTimeOffset(2026, 3, 2, 15, 0, 0, TimeSpan.Zero));
        var shop = await fixture.CreateTenantAsync(SampleRules.Plain(), name: "Numero Um");
        var other = await fixture.CreateTenantAsync(SampleRules.Plain(), name: "Numero Dois");
        var phoneId = "20" + Random.Shared.Next(100_000, 999_999);
        await shop.UseWhatsAppAsync(phoneId, "token-a");

        var taken = () => other.UseWhatsAppAsync(phoneId, "token-b");
        (await taken.Should().ThrowAsync<DbUpdateException>()).Which.InnerException.Should().BeOfType<PostgresException>()
            .Which.SqlState.Should().Be(PostgresErrorCodes.UniqueViolation);

        // Changing the number frees the old one for another business.
        var newId = phoneId + "1";
        await shop.UseWhatsAppAsync(newId, "token-a");
        await other.UseWhatsAppAsync(phoneId, "token-b");
        await using (var db = fixture.OpenDb())
            (await db.TenantKeys.IgnoreQueryFilters().Where(k => k.Kind == TenantKeyKinds.WhatsAppPhoneNumberId && (k.Key == phoneId || k.Key == newId))
                .Select(k => new { k.Key, k.TenantId }).ToListAsync())
                .Should().BeEquivalentTo([new { Key = newId, TenantId = shop.Id }, new { Key = phoneId, TenantId = other.Id }]);

        await shop.ConfigureAsync(null,
            new AutomationSetting { Trigger = Triggers.Welcome, Enabled = false },
            new AutomationSetting { Trigger = Triggers.CashbackEarned, Email = false, WhatsApp = true });
        var ana = await shop.MemberAsync($"tk-{Guid.NewGuid():N}@example.com", name: "Ana", whatsAppConsent: true, phone: LedgerTestKit.NewPhone());
        await shop.BuyAsync(ana, 100_00);
        await shop.DispatchAsync();
        var m = (await shop.MessagesAsync(Triggers.CashbackEarned)).Single();
        m.Status.Should().Be(MessageStatus.Sent);

        async Task<HttpStatusCode> PostStatusAsync(string number, string status)
        {
            var payload = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
            {
                @object = "whatsapp_business_account",
                entry = new[] { new { changes = new[] { new { field = "messages", value = new
                {
                    metadata = new { phone_number_id = number },
                    statuses = new[] { new { id = m.ProviderMessageId, status, timestamp = "1772463600" } },
                } } } } },
            }));
            var client = fixture.App.CreateClient(new() { BaseAddress = new Uri("https://localhost") });
            using var content = new ByteArrayContent(payload);
            content.Headers.ContentType = new("application/json");
            using var req = new HttpRequestMessage(HttpMethod.Post, "/webhooks/whatsapp") { Content = content };
            req.Headers.Add("X-Hub-Signature-256", WhatsAppWebhook.Sign(AutomationsFixture.AppSecret, payload));
            return (await client.SendAsync(req)).StatusCode;
        }

        // The other business's number names the other tenant: this message is not theirs, nothing changes.
        (await PostStatusAsync(phoneId, "delivered")).Should().Be(HttpStatusCode.OK);
        (await shop.MessagesAsync(Triggers.CashbackEarned)).Single().Status.Should().Be(MessageStatus.Sent);
        // Its own number finds it.
        (await PostStatusAsync(newId, "delivered")).Should().Be(HttpStatusCode.OK);
        (await shop.MessagesAsync(Triggers.CashbackEarned)).Single().Status.Should().Be(MessageStatus.Delivered);
    }
}
