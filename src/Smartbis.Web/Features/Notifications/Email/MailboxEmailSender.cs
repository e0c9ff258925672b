using Microsoft.Extensions.Options;
using MimeKit;

namespace Smartbis.Web.Features.Notifications.Email;

/// <summary>
/// Development without SMTP: each message is written as an .eml file into a local folder that operators
/// read at /admin/mailbox, so nothing is lost and nothing leaves the machine.
/// </summary>
public sealed class MailboxEmailSender(IOptions<SmtpOptions> smtp, IOptions<MailboxOptions> mailbox, TimeProvider clock) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken ct = default)
    {
        var dir = mailbox.Value.FullPath;
        Directory.CreateDirectory(dir);
        var mime = MimeMessages.From(message, smtp.Value);
        mime.Date = clock.GetUtcNow();
        var name = $"{clock.GetUtcNow():yyyyMMddHHmmssfff}-{Guid.NewGuid():N}.eml";
        var temp = Path.Combine(dir, name + ".tmp");
        await mime.WriteToAsync(temp, ct);
        File.Move(temp, Path.Combine(dir, name)); // readers never see half a message
    }
}

public sealed class MailboxOptions
{
    public string MailboxPath { get; set; } = Path.Combine(".data", "mailbox");
    public string FullPath => Path.GetFullPath(MailboxPath);
}

/// <summary>Reads the development mailbox, newest first.</summary>
public sealed class Mailbox(IOptions<MailboxOptions> options)
{
    public sealed record Item(string Id, DateTimeOffset Date, string To, string Subject, string? Html, string? Text);

    public IReadOnlyList<Item> List(int take = 200)
    {
        var dir = options.Value.FullPath;
        if (!Directory.Exists(dir)) return [];
        return Directory.EnumerateFiles(dir, "*.eml")
            .OrderByDescending(Path.GetFileName, StringComparer.Ordinal)
            .Take(take)
            .Select(Read)
            .ToList();
    }

    private static Item Read(string path)
    {
        var m = MimeMessage.Load(path);
        return new Item(Path.GetFileNameWithoutExtension(path), m.Date, m.To.ToString(), m.Subject ?? "", m.HtmlBody, m.TextBody);
    }
}
