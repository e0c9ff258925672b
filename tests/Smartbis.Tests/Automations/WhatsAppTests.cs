using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Features;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Portal;

namespace Smartbis.Tests.Automations;

/// <summary>WhatsApp against a local HTTP server standing in for the Cloud API, and the signed status webhook.</summary>
public sealed class WhatsAppTests(AutomationsFixture fixture) : IClassFixture<AutomationsFixture>
{
    [Fact]
    public async Task A_template_message_carries_name_language_parameters_and_bearer_token_and_status_webhooks_are_verified_and_deduplicated()
    {
        fixture.Clock.StartAt(new DateTimeOffset(2026, 3, 2, 15, 0, 0, TimeSpan.Zero));
        var shop = await fixture.CreateTenantAsync(SampleRules.Plain(), name: "Litoral");
        var phoneId = "10" + Random.Shared.Next(100_000, 999_999);
        await shop.UseWhatsAppAsync(phoneId, "secret-token-1");
        await shop.ConfigureAsync(null,
            new AutomationSetting { Trigger = Triggers.Welcome, Enabled = false },
            new AutomationSetting { Trigger = Triggers.CashbackEarned, Email = false, WhatsApp = true });
        var phone = LedgerTestKit.NewPhone();
        var ana = await shop.MemberAsync($"wa-{Guid.NewGuid():N}@example.com", name: "Ana Souza", whatsAppConsent: true, phone: phone);
        await shop.BuyAsync(ana, 100_00);
        await shop.DispatchAsync();

        var request = fixture.WhatsApp.Requests.Single(r => r.Path.Contains(phoneId));
        request.Method.Should().Be("POST");
        request.Path.Should().Be($"/v21.0/{phoneId}/messages");
        request.Authorization.Should().Be("Bearer secret-token-1");
        using var body = JsonDocument.Parse(request.Body);
        body.RootElement.GetProperty("to").GetString().Should().Be(phone.TrimStart('+'));
        var template = body.RootElement.GetProperty("template");
        template.GetProperty("name").GetString().Should().Be("cashback_earned");
        template.GetProperty("language").GetProperty("code").GetString().Should().Be("pt_BR");
        template.GetProperty("components")[0].GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("text").GetString())
            .Should().Equal("Ana", "R$ 5,00", "Litoral");
        var m = (await shop.MessagesAsync(Triggers.CashbackEarned)).Single();
        m.Status.Should().Be(MessageStatus.Sent);
        m.ProviderMessageId.Should().StartWith("wamid.");

        var client = fixture.App.CreateClient(new() { BaseAddress = new Uri("https://localhost") });
        var payload = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            @object = "whatsapp_business_account",
            entry = new[] { new { changes = new[] { new { field = "messages", value = new { statuses = new[] { new { id = m.ProviderMessageId, status = "delivered", timestamp = "1772463600" } } } } } } },
        }));
        async Task<HttpStatusCode> PostAsync(string signature)
        {
            using var content = new ByteArrayContent(payload);
            content.Headers.ContentType = new("application/json");
            using var req = new HttpRequestMessage(HttpMethod.Post, "/webhooks/whatsapp") { Content = content };
            req.Headers.Add("X-Hub-Signature-256", signature);
            return (await client.SendAsync(req)).StatusCode;
        }

        (await PostAsync(WhatsAppWebhook.Sign("wrong-secret", payload))).Should().Be(HttpStatusCode.Unauthorized);
        (await shop.MessagesAsync(Triggers.CashbackEarned)).Single().Status.Should().Be(MessageStatus.Sent, "a wrongly signed webhook changes nothing");

        (await PostAsync(WhatsAppWebhook.Sign(AutomationsFixture.AppSecret, payload))).Should().Be(HttpStatusCode.OK);
        var delivered = (await shop.MessagesAsync(Triggers.CashbackEarned)).Single();
        delivered.Status.Should().Be(MessageStatus.Delivered);
        var attempts = (await shop.AttemptsAsync(m.Id)).Count;

        (await PostAsync(WhatsAppWebhook.Sign(AutomationsFixture.AppSecret, payload))).Should().Be(HttpStatusCode.OK);
        (await shop.AttemptsAsync(m.Id)).Should().HaveCount(attempts, "a duplicate webhook changes nothing");
        var after = (await shop.MessagesAsync(Triggers.CashbackEarned)).Single();
        (after.Status, after.DeliveredAt, after.Attempts).Should().Be((delivered.Status, delivered.DeliveredAt, delivered.Attempts));
    }

    [Fact]
    public async Task A_member_who_signs_in_with_their_phone_gets_the_code_by_WhatsApp_and_it_signs_them_in()
    {
        var shop = await fixture.CreateTenantAsync(SampleRules.Plain(), name: "Velluto");
        var phoneId = "11" + Random.Shared.Next(100_000, 999_999);
        await shop.UseWhatsAppAsync(phoneId, "otp-token");
        var phone = LedgerTestKit.NewPhone();
        var email = $"otp-{Guid.NewGuid():N}@example.com";
        var ana = await shop.MemberAsync(email, phone: phone);

        await using (var scope = shop.Scope())
        {
            var sent = await scope.Get<SendSignInCode>().ToIdentifierAsync(phone);
            sent.SentTo.Should().EndWith(phone[^4..]).And.NotContain(phone[3..^4], "the number is masked");
        }
        var request = fixture.WhatsApp.Requests.Single(r => r.Path.Contains(phoneId));
        request.Authorization.Should().Be("Bearer otp-token");
        using var body = JsonDocument.Parse(request.Body);
        body.RootElement.GetProperty("to").GetString().Should().Be(phone.TrimStart('+'));
        var template = body.RootElement.GetProperty("template");
        template.GetProperty("name").GetString().Should().Be(WhatsAppCodes.Template);
        var code = template.GetProperty("components")[0].GetProperty("parameters")[0].GetProperty("text").GetString()!;
        code.Should().MatchRegex("^[0-9]{6}$");
        template.GetProperty("components")[1].GetProperty("parameters")[0].GetProperty("text").GetString().Should().Be(code, "the copy-code button carries it");

        await using (var scope = shop.Scope())
        {
            var verify = () => scope.Get<VerifySignInCode>().VerifyAsync(ana, CodePurpose.SignIn, code);
            await verify.Should().NotThrowAsync();
        }
        fixture.Smtp.Messages.Should().NotContain(m => m.To.Mailboxes.Any(a => a.Address == email), "a code asked for by phone goes by WhatsApp only");

        // Typed as an email, the code goes by email as before.
        await using (var scope = shop.Scope())
            (await scope.Get<SendSignInCode>().ToIdentifierAsync(email)).SentTo.Should().Contain("@example.com");
        fixture.WhatsApp.Requests.Count(r => r.Path.Contains(phoneId)).Should().Be(1);
    }

    [Fact]
    public async Task A_large_redemption_code_goes_to_the_customers_WhatsApp_when_the_business_has_it()
    {
        var shop = await fixture.CreateTenantAsync(SampleRules.Plain(), name: "Velluto");
        var phoneId = "12" + Random.Shared.Next(100_000, 999_999);
        await shop.UseWhatsAppAsync(phoneId, "counter-token");
        var phone = LedgerTestKit.NewPhone();
        var ana = await shop.MemberAsync($"counter-{Guid.NewGuid():N}@example.com", phone: phone);

        await using var scope = shop.Scope();
        var sent = await scope.Get<Web.Features.Counter.SendRedemptionCode>().ExecuteAsync(ana, 80_00, Web.Features.Audit.AuditActor.System);
        sent.SentTo.Should().EndWith(phone[^4..]);
        var request = fixture.WhatsApp.Requests.Single(r => r.Path.Contains(phoneId));
        using var body = JsonDocument.Parse(request.Body);
        var code = body.RootElement.GetProperty("template").GetProperty("components")[0].GetProperty("parameters")[0].GetProperty("text").GetString()!;
        var stored = await scope.Db.RedemptionCodes.SingleAsync(c => c.Id == sent.CodeId);
        stored.CodeHash.Should().Be(Web.Features.Counter.SendRedemptionCode.Hash(shop.Id, ana, code), "the code sent is the one the counter will accept");
    }

    [Fact]
    public async Task When_the_Cloud_API_is_down_the_sign_in_code_goes_by_email_instead()
    {
        var shop = await fixture.CreateTenantAsync(SampleRules.Plain(), name: "Velluto");
        var phoneId = FakeCloudApi.FailingPrefix + Random.Shared.Next(100_000, 999_999);
        await shop.UseWhatsAppAsync(phoneId, "otp-token");
        var phone = LedgerTestKit.NewPhone();
        var email = $"fallback-{Guid.NewGuid():N}@example.com";
        var ana = await shop.MemberAsync(email, phone: phone);

        await using var scope = shop.Scope();
        var sent = await scope.Get<SendSignInCode>().ToIdentifierAsync(phone);
        fixture.WhatsApp.Requests.Should().Contain(r => r.Path.Contains(phoneId), "WhatsApp was tried first");
        sent.SentTo.Should().EndWith("@example.com", "the member is told where the code really went");
        var mail = await WaitForMailAsync(email);
        var code = System.Text.RegularExpressions.Regex.Match(mail.TextBody ?? "", "[0-9]{6}").Value;
        var verify = () => scope.Get<VerifySignInCode>().VerifyAsync(ana, CodePurpose.SignIn, code);
        await verify.Should().NotThrowAsync("the code in the email is the one stored");
    }

    private async Task<MimeKit.MimeMessage> WaitForMailAsync(string to)
    {
        for (var i = 0; i < 100; i++)
        {
            var found = fixture.Smtp.Messages.FirstOrDefault(m => m.To.Mailboxes.Any(a => a.Address == to));
            if (found is not null) return found;
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"no email reached {to}");
    }
}
