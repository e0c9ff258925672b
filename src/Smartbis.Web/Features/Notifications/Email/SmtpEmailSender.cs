using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;

namespace Smartbis.Web.Features.Notifications.Email;

/// <summary>Sends through an SMTP server with MailKit.</summary>
public sealed class SmtpEmailSender(IOptions<SmtpOptions> options, ILogger<SmtpEmailSender> log) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken ct = default)
    {
        var o = options.Value;
        var mime = MimeMessages.From(message, o);
        using var client = new SmtpClient { Timeout = o.TimeoutSeconds * 1000 };
        var security = o.Security switch
        {
            SmtpSecurity.None => SecureSocketOptions.None,
            SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.Auto,
        };
        await client.ConnectAsync(o.Host ?? throw new InvalidOperationException("Smartbis__Smtp__Host is not set."), o.Port, security, ct);
        if (!string.IsNullOrEmpty(o.User)) await client.AuthenticateAsync(o.User, o.Password ?? "", ct);
        await client.SendAsync(mime, ct);
        await client.DisconnectAsync(true, ct);
        log.LogInformation("Email {Subject} sent to {Recipient}", message.Subject, MaskEmail(message.To));
    }

    // Logs keep the domain for diagnosis, not the address.
    internal static string MaskEmail(string email) => email.IndexOf('@') is > 0 and var at ? $"{email[0]}***{email[at..]}" : "***";
}
