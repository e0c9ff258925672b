using Microsoft.Extensions.DependencyInjection;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Notifications.Email;

namespace Smartbis.Tests.Foundation;

public sealed class EmailTests(SmtpDatabaseFixture fixture) : IClassFixture<SmtpDatabaseFixture>
{
    [Fact]
    public async Task An_email_sent_by_the_app_arrives_over_smtp_with_subject_recipient_and_body()
    {
        var sender = fixture.Factory.Services.GetRequiredService<IEmailSender>();
        var marker = Guid.NewGuid().ToString("N")[..10];
        var subject = $"Seu cashback chegou {marker}";

        await sender.SendAsync(new EmailMessage(
            To: "cliente@example.test",
            Subject: subject,
            HtmlBody: $"<p>Olá, você tem <strong>R$ 12,34</strong> de cashback. {marker}</p>",
            TextBody: $"Olá, você tem R$ 12,34 de cashback. {marker}",
            ToName: "Cliente Teste"));

        var message = await fixture.Smtp.WaitForMessageAsync(m => m.Subject == subject);
        sender.Should().BeOfType<SmtpEmailSender>();
        message.To.Mailboxes.Select(m => m.Address).Should().Equal("cliente@example.test");
        message.To.Mailboxes.Single().Name.Should().Be("Cliente Teste");
        message.HtmlBody.Should().Contain("<strong>R$ 12,34</strong>").And.Contain(marker);
        message.TextBody.Should().Contain("Olá, você tem R$ 12,34 de cashback.").And.Contain(marker);
        message.From.Mailboxes.Should().ContainSingle();
    }
}
