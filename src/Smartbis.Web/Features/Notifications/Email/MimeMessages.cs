using MimeKit;

namespace Smartbis.Web.Features.Notifications.Email;

internal static class MimeMessages
{
    public static MimeMessage From(EmailMessage m, SmtpOptions o)
    {
        var mime = new MimeMessage();
        mime.From.Add(new MailboxAddress(m.FromName ?? o.FromName, o.From));
        if (!string.IsNullOrWhiteSpace(m.ReplyTo)) mime.ReplyTo.Add(MailboxAddress.Parse(m.ReplyTo));
        mime.To.Add(new MailboxAddress(m.ToName ?? "", m.To));
        mime.Subject = m.Subject;
        foreach (var (name, value) in m.Headers) mime.Headers.Add(name, value);
        var body = new BodyBuilder { HtmlBody = m.HtmlBody, TextBody = m.TextBody };
        mime.Body = body.ToMessageBody();
        return mime;
    }
}
