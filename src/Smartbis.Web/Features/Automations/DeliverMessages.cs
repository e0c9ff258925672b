using Hangfire;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Notifications.Email;
using Smartbis.Web.Features.Notifications.WhatsApp;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Automations;

/// <summary>
/// Sends a tenant's due messages: claims a batch in one statement (Scheduled → Sending, skipping rows another run
/// holds), reads its customers, balances, vouchers and stores in one query each, renders, sends the emails over
/// <see cref="Connections"/> SMTP connections in parallel (WhatsApp one at a time), and records every attempt of
/// the batch in one save. Transient failures retry with exponential backoff up to <see cref="MaxAttempts"/>;
/// permanent ones are Bounced; a drop after the content went out is Unknown. Consent is checked again at the
/// moment of sending. At most once: a message is sent only while its claim holds; one the run never tried goes
/// back to Scheduled untouched, and one still Sending when the claim ran out (the process died) becomes Unknown.
/// </summary>
public sealed class DeliverMessages(
    IServiceScopeFactory scopes, LedgerUnit unit, TimeProvider clock, IEmailBatchSender emailSender, IConfiguration config,
    ILogger<DeliverMessages> log)
{
    public const int MaxAttempts = 5;
    private const int Batch = 200;
    /// <summary>SMTP connections used in parallel by one run (issue 9: ≥ 200 messages/s).</summary>
    public const int Connections = 4;
    /// <summary>How long a claim lasts; a message still Sending after it is marked Unknown by the sweeper.</summary>
    public static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(10);
    /// <summary>No send starts this close to the end of the claim, so an in-flight send (≤ the SMTP timeout) ends before the sweeper looks.</summary>
    private static readonly TimeSpan ClaimMargin = TimeSpan.FromMinutes(2);

    /// <summary>1, 2, 4, 8… minutes after the attempt that failed.</summary>
    public static TimeSpan Backoff(int attempt) => TimeSpan.FromMinutes(Math.Pow(2, Math.Clamp(attempt - 1, 0, 10)));

    public sealed record Result(int Sent, int Failed);

    public async Task<Result> ExecuteAsync(Guid tenantId, CancellationToken ct = default)
    {
        int sent = 0, failed = 0;
        var connections = new IEmailBatch?[Connections];
        // What every message of the run shares is read once per run, not once per message (issue 9: ≥ 200 messages/s).
        var shared = await unit.RunAsync(tenantId, async db => new Shared(
            await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == tenantId, ct), await Messaging.SettingsAsync(db, ct)), ct);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var now = clock.GetUtcNow();
                var ids = await unit.RunAsync(tenantId, db => db.Database.SqlQuery<Guid>($"""
                    UPDATE messages SET status = 'Sending', claimed_until = {now + ClaimFor}
                    WHERE tenant_id = {tenantId} AND id IN (
                        SELECT id FROM messages WHERE tenant_id = {tenantId} AND status = 'Scheduled' AND not_before <= {now}
                        ORDER BY not_before LIMIT {Batch} FOR UPDATE SKIP LOCKED)
                    RETURNING id AS "Value"
                    """).ToListAsync(ct), ct);
                if (ids.Count == 0) break;
                var (s, f) = await DeliverBatchAsync(tenantId, ids, now + ClaimFor - ClaimMargin, shared, connections, ct);
                sent += s;
                failed += f;
                if (ids.Count < Batch) break;
            }
        }
        finally
        {
            foreach (var c in connections)
                if (c is not null) await c.DisposeAsync();
        }
        return new Result(sent, failed);
    }

    /// <summary>The tenant and its messaging settings, read once per run; templates as each (trigger, channel, locale) is first used.</summary>
    private sealed record Shared(Tenant Tenant, MessagingSettings Settings)
    {
        public Dictionary<(string, Channel, string), TemplateText> Templates { get; } = new();
    }

    /// <summary>A claimed message on its way: its attempt, and the email to send (null when it was settled without one).</summary>
    private sealed class Work(Message message, MessageAttempt attempt)
    {
        public Message Message { get; } = message;
        public MessageAttempt Attempt { get; } = attempt;
        public EmailMessage? Email { get; set; }
        public SendOutcome Outcome { get; set; }
        public EmailDeliveryException? Error { get; set; }
    }

    private enum SendOutcome { NotTried, Sent, Failed }

    private async Task<(int Sent, int Failed)> DeliverBatchAsync(Guid tenantId, List<Guid> ids, DateTimeOffset stopAt, Shared shared,
        IEmailBatch?[] connections, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<SmartbisDb>();
        // The batch is claimed: from here on nothing is cancelled half-way; an unsent message goes back to Scheduled below.
        var none = CancellationToken.None;
        var messages = await db.Messages.Where(x => ids.Contains(x.Id)).ToListAsync(none);
        var customerIds = messages.Where(x => x.CustomerId != null).Select(x => x.CustomerId!.Value).Distinct().ToList();
        var customers = await db.Customers.AsNoTracking().Where(c => customerIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, none);
        var balances = await db.Accounts.Where(a => customerIds.Contains(a.CustomerId))
            .Select(a => new { a.CustomerId, a.AvailableCents }).ToDictionaryAsync(a => a.CustomerId, a => a.AvailableCents, none);
        var refs = messages.ToDictionary(x => x.Id, TemplateVariables.References);
        var voucherIds = refs.Values.Where(r => r.VoucherCode is null && r.VoucherId is not null).Select(r => r.VoucherId!.Value).Distinct().ToList();
        var storeIds = refs.Values.Where(r => r.StoreId is not null).Select(r => r.StoreId!.Value).Distinct().ToList();
        var codes = voucherIds.Count == 0 ? [] : await db.Vouchers.Where(v => voucherIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, v => v.Code, none);
        var stores = storeIds.Count == 0 ? [] : await db.Stores.Where(x => storeIds.Contains(x.Id)).ToDictionaryAsync(x => x.Id, x => x.Name, none);

        var (tenant, settings) = (shared.Tenant, shared.Settings);
        var now = clock.GetUtcNow();
        var work = new List<Work>();
        foreach (var m in messages.OrderBy(x => x.NotBefore))
        {
            m.Attempts++;
            var attempt = new MessageAttempt { MessageId = m.Id, Number = m.Attempts, At = now, Outcome = "sent" };
            db.MessageAttempts.Add(attempt);
            var w = new Work(m, attempt);
            work.Add(w);

            var customer = m.CustomerId is { } cid ? customers.GetValueOrDefault(cid) : null;
            var consent = customer is not null && (m.Channel == Channel.Email ? customer.EmailConsent : customer.WhatsAppConsent);
            if (m.Trigger != Triggers.Test && (!consent || customer!.Status != CustomerStatus.Active))
            {
                Finish(m, attempt, MessageStatus.Skipped, "skipped", "The customer opted out or was blocked before it was sent.");
                continue;
            }
            if (customer is null)
            {
                Finish(m, attempt, MessageStatus.Failed, "failed", "The customer no longer exists.");
                continue;
            }
            try
            {
                if (!shared.Templates.TryGetValue((m.Trigger, m.Channel, m.Locale), out var template))
                    shared.Templates[(m.Trigger, m.Channel, m.Locale)] = template = await Messaging.TemplateAsync(db, m.Trigger, m.Channel, m.Locale, none);
                var r = refs[m.Id];
                var voucherCode = r.VoucherCode ?? (r.VoucherId is { } v ? codes.GetValueOrDefault(v) : null);
                var variables = TemplateVariables.ForMessage(m, tenant, settings, BaseUrl, customer.Id, customer.Name, balances.GetValueOrDefault(customer.Id),
                    voucherCode, r.StoreId is { } s ? stores.GetValueOrDefault(s) : null);
                if (m.Channel == Channel.Email)
                {
                    var rendered = RenderTemplate.Email(template, variables, TemplateVariables.Layout(tenant, m.Locale));
                    m.Subject = Cut(rendered.Subject, 300);
                    var headers = new Dictionary<string, string>();
                    if (m.Trigger != Triggers.Test)
                    {
                        headers["List-Unsubscribe"] = $"<{variables["opt_out_link"]}>";
                        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click";
                    }
                    w.Email = new EmailMessage(m.Recipient, rendered.Subject, rendered.Html, rendered.Text, customer.Name)
                    {
                        Headers = headers, FromName = settings.SenderName ?? tenant.Name, ReplyTo = settings.ReplyTo,
                    };
                }
                else
                {
                    // WhatsApp stays one message at a time: the Cloud API call is the cost, and it is rare next to email.
                    if (ct.IsCancellationRequested || clock.GetUtcNow() >= stopAt) continue; // NotTried: back to Scheduled below
                    if (!settings.HasWhatsApp) throw new WhatsAppException(WhatsAppFailure.Permanent, "WhatsApp is not configured for this business.");
                    var token = scope.ServiceProvider.GetRequiredService<IDataProtectionProvider>().CreateProtector(WhatsAppTokens.Purpose).Unprotect(settings.WhatsAppTokenProtected!);
                    var parameters = (template.WhatsAppParameters ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(p => variables.GetValueOrDefault(p, "")).ToList();
                    m.Subject = Cut(RenderTemplate.Text(template.Body, variables), 300);
                    var client = scope.ServiceProvider.GetRequiredService<WhatsAppClient>();
                    w.Outcome = SendOutcome.Failed; // from here on it may have gone out
                    m.ProviderMessageId = await client.SendTemplateAsync(settings.WhatsAppPhoneNumberId!, token,
                        new WhatsAppClient.TemplateMessage(m.Recipient, template.WhatsAppTemplate ?? m.Trigger, m.Locale, parameters), none);
                    w.Outcome = SendOutcome.Sent;
                    m.SentAt = now;
                    Finish(m, attempt, MessageStatus.Sent, "sent", null);
                }
            }
            catch (Exception e) when (e is WhatsAppException or TemplateException or System.Security.Cryptography.CryptographicException)
            {
                w.Outcome = SendOutcome.Failed;
                Fail(m, attempt, e, now);
            }
            catch (Exception e) when (w.Outcome == SendOutcome.Failed && e is not OperationCanceledException)
            {
                // An unexpected error once the WhatsApp call started: it may have gone out, so Unknown (what the sweeper would say).
                Finish(m, attempt, MessageStatus.Unknown, "unknown", e.Message);
                log.LogWarning(e, "Message {MessageId} attempt {Attempt}: unknown", m.Id, m.Attempts);
            }
        }

        await SendEmailsAsync(work.Where(x => x.Email is not null).ToList(), connections, stopAt, ct);

        int sent = 0, failed = 0;
        foreach (var w in work)
        {
            var m = w.Message;
            if (m.Status != MessageStatus.Sending)
            {
                // Settled before sending (skipped, template or WhatsApp outcome).
                if (w.Outcome == SendOutcome.Sent) sent++; else failed++;
                continue;
            }
            switch (w.Outcome)
            {
                case SendOutcome.Sent:
                    m.SentAt = now;
                    Finish(m, w.Attempt, MessageStatus.Sent, "sent", null);
                    sent++;
                    break;
                case SendOutcome.Failed:
                    Fail(m, w.Attempt, w.Error!, now);
                    failed++;
                    break;
                default:
                    // Never tried (cancelled, or the claim ran short): no attempt, due again as it was.
                    m.Attempts--;
                    m.Status = MessageStatus.Scheduled;
                    m.ClaimedUntil = null;
                    db.Entry(w.Attempt).State = EntityState.Detached;
                    break;
            }
        }
        await db.SaveChangesAsync(none);
        return (sent, failed);
    }

    /// <summary>
    /// Sends the batch's emails over up to <see cref="Connections"/> connections, each reused for the whole run. A worker
    /// starts no send after the cancellation or the claim's end; a send in flight is never cut (it ends within the SMTP timeout).
    /// </summary>
    private async Task SendEmailsAsync(List<Work> emails, IEmailBatch?[] connections, DateTimeOffset stopAt, CancellationToken ct)
    {
        var next = -1;
        async Task WorkerAsync(int slot)
        {
            while (Interlocked.Increment(ref next) is var i && i < emails.Count)
            {
                if (ct.IsCancellationRequested || clock.GetUtcNow() >= stopAt) continue;
                var w = emails[i];
                try
                {
                    var connection = connections[slot] ??= await emailSender.OpenAsync(CancellationToken.None);
                    w.Outcome = SendOutcome.Failed; // from here on it may have gone out
                    await connection.SendAsync(w.Email!, CancellationToken.None);
                    w.Outcome = SendOutcome.Sent;
                }
                catch (EmailDeliveryException e)
                {
                    w.Error = e;
                }
                catch (Exception e)
                {
                    // Not a failure the sender classifies (a bug, a bad address): it may have gone out, so Unknown, never resent blindly.
                    w.Outcome = SendOutcome.Failed;
                    w.Error = new EmailDeliveryException(EmailFailure.Unknown, e.Message, e);
                }
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Math.Min(connections.Length, emails.Count)).Select(WorkerAsync));
    }

    /// <summary>Records a failed attempt: retried later (backoff), or settled as Failed, Bounced or Unknown.</summary>
    private void Fail(Message m, MessageAttempt attempt, Exception e, DateTimeOffset now)
    {
        var (status, outcome) = e switch
        {
            EmailDeliveryException { Failure: EmailFailure.Unknown } => (MessageStatus.Unknown, "unknown"),
            EmailDeliveryException { Failure: EmailFailure.Permanent } or WhatsAppException { Failure: WhatsAppFailure.Permanent } => (MessageStatus.Bounced, "bounced"),
            TemplateException or System.Security.Cryptography.CryptographicException => (MessageStatus.Failed, "failed"),
            _ when m.Attempts >= MaxAttempts => (MessageStatus.Failed, "transient"),
            _ => (MessageStatus.Scheduled, "transient"),
        };
        Finish(m, attempt, status, outcome, e.Message);
        if (status == MessageStatus.Scheduled) m.NotBefore = now + Backoff(m.Attempts);
        log.LogWarning("Message {MessageId} attempt {Attempt}: {Outcome} ({Error})", m.Id, m.Attempts, outcome, e.Message);
    }

    private static void Finish(Message m, MessageAttempt attempt, MessageStatus status, string outcome, string? error)
    {
        m.Status = status;
        m.ClaimedUntil = null;
        m.Error = error is null ? null : Cut(error, 1000);
        attempt.Outcome = outcome;
        attempt.Detail = error is null ? null : Cut(error, 1000);
    }

    private string BaseUrl => config["Smartbis:BaseUrl"] is { Length: > 0 } url ? url : "http://localhost:5000";

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];
}

public static class WhatsAppTokens
{
    public const string Purpose = "Smartbis.WhatsApp.AccessToken";
}
