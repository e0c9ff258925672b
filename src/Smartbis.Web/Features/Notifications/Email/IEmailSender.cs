namespace Smartbis.Web.Features.Notifications.Email;

/// <summary>An email to one recipient. HtmlBody must already be safe HTML; TextBody is the plain alternative.</summary>
public sealed record EmailMessage(string To, string Subject, string HtmlBody, string? TextBody = null, string? ToName = null)
{
    /// <summary>Extra headers, e.g. List-Unsubscribe for automations.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    /// <summary>Sender display name for this message (e.g. the tenant's name); the address stays the configured From.</summary>
    public string? FromName { get; init; }
    /// <summary>Where replies go (e.g. the tenant's own address).</summary>
    public string? ReplyTo { get; init; }
}

/// <summary>The one way Smartbis sends email: invitations, sign-in codes and automations.</summary>
public interface IEmailSender
{
    /// <summary>Sends the message or throws; callers that retry decide what a failure means.</summary>
    Task SendAsync(EmailMessage message, CancellationToken ct = default);
}
