using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;

namespace Smartbis.Web.Features.Notifications.Email;

/// <summary>How a send failed, which decides what happens next.</summary>
public enum EmailFailure
{
    /// <summary>4xx, connection refused, timeout before the message was handed over: retry later.</summary>
    Transient,
    /// <summary>5xx: the server refused the message or recipient for good (bounce): do not retry.</summary>
    Permanent,
    /// <summary>The connection dropped after the message data was sent: it may have been delivered; do not resend blindly.</summary>
    Unknown,
}

public sealed class EmailDeliveryException(EmailFailure failure, string message, Exception? inner = null) : Exception(message, inner)
{
    public EmailFailure Failure { get; } = failure;
}

/// <summary>Sends many messages over one connection (automations); classifies failures as <see cref="EmailFailure"/>.</summary>
public interface IEmailBatchSender
{
    Task<IEmailBatch> OpenAsync(CancellationToken ct = default);
}

public interface IEmailBatch : IAsyncDisposable
{
    /// <summary>Sends one message, or throws <see cref="EmailDeliveryException"/>.</summary>
    Task SendAsync(EmailMessage message, CancellationToken ct = default);
}

/// <summary>One SMTP connection for a batch: connects on first use, reconnects after a failure.</summary>
public sealed class SmtpBatchSender(IOptions<SmtpOptions> options, ILogger<SmtpBatchSender> log) : IEmailBatchSender
{
    public Task<IEmailBatch> OpenAsync(CancellationToken ct = default) => Task.FromResult<IEmailBatch>(new Batch(options.Value, log));

    private sealed class Batch(SmtpOptions o, ILogger log) : IEmailBatch
    {
        private SmtpClient? client;

        public async Task SendAsync(EmailMessage message, CancellationToken ct = default)
        {
            var mime = MimeMessages.From(message, o);
            var progress = new DataProgress();
            try
            {
                if (client is not { IsConnected: true }) await ConnectAsync(ct);
                await client!.SendAsync(mime, ct, progress);
                log.LogInformation("Email {Subject} sent to {Recipient}", message.Subject, SmtpEmailSender.MaskEmail(message.To));
            }
            catch (SmtpCommandException e)
            {
                // The server answered: its reply code says whether trying again can help. The connection stays usable.
                var code = (int)e.StatusCode;
                if (code >= 500) throw new EmailDeliveryException(EmailFailure.Permanent, $"{code} {e.Message}", e);
                await ResetAsync();
                throw new EmailDeliveryException(EmailFailure.Transient, $"{code} {e.Message}", e);
            }
            catch (Exception e) when (e is SmtpProtocolException or IOException or SocketException or TimeoutException or OperationCanceledException or ServiceNotConnectedException or SslHandshakeException)
            {
                if (e is OperationCanceledException && ct.IsCancellationRequested) throw;
                await ResetAsync();
                // Data handed over and then silence or a drop: the server may have queued it.
                if (progress.Completed)
                    throw new EmailDeliveryException(EmailFailure.Unknown, $"Connection lost after the message was sent: {e.Message}", e);
                throw new EmailDeliveryException(EmailFailure.Transient, e.Message, e);
            }
        }

        private async Task ConnectAsync(CancellationToken ct)
        {
            client?.Dispose();
            client = new SmtpClient { Timeout = o.TimeoutSeconds * 1000 };
            var security = o.Security switch
            {
                SmtpSecurity.None => SecureSocketOptions.None,
                SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
                SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.Auto,
            };
            await client.ConnectAsync(o.Host ?? throw new InvalidOperationException("Smartbis__Smtp__Host is not set."), o.Port, security, ct);
            if (!string.IsNullOrEmpty(o.User)) await client.AuthenticateAsync(o.User, o.Password ?? "", ct);
        }

        private async Task ResetAsync()
        {
            if (client is null) return;
            try { if (client.IsConnected) await client.DisconnectAsync(true); }
            catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or SmtpCommandException or OperationCanceledException) { /* already broken */ }
            client.Dispose();
            client = null;
        }

        public async ValueTask DisposeAsync() => await ResetAsync();
    }

    /// <summary>Tells whether the whole message body went out (MailKit reports progress only while sending DATA).</summary>
    private sealed class DataProgress : ITransferProgress
    {
        public bool Completed { get; private set; }
        public void Report(long bytesTransferred, long totalSize) { if (bytesTransferred >= totalSize && totalSize > 0) Completed = true; }
        public void Report(long bytesTransferred) { }
    }
}

/// <summary>Development without SMTP: the batch writes each message into the local mailbox.</summary>
public sealed class MailboxBatchSender(IOptions<SmtpOptions> smtp, IOptions<MailboxOptions> mailbox, TimeProvider clock) : IEmailBatchSender
{
    public Task<IEmailBatch> OpenAsync(CancellationToken ct = default) => Task.FromResult<IEmailBatch>(new Batch(new MailboxEmailSender(smtp, mailbox, clock)));

    private sealed class Batch(MailboxEmailSender sender) : IEmailBatch
    {
        public Task SendAsync(EmailMessage message, CancellationToken ct = default) => sender.SendAsync(message, ct);
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
