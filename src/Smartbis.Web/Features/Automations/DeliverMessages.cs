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
            await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == tenantId, ct), await Messaging.SettingsAsync(db, ct),
            await Programs.RewardUnits.OfTenantAsync(db, ct)), ct);
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
    private sealed record Shared(Tenant Tenant, MessagingSettings Settings, Programs.RewardType RewardType)
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

    /// <summary>What one batch reads up front, one query each: its messages and their customers, balances, voucher codes and stores.</summary>
    private sealed record ClaimedBatch(
        List<Message> Messages, Dictionary<Guid, Customer> Customers, Dictionary<Guid, long> Balances,
        Dictionary<Guid, (string? VoucherCode, Guid? VoucherId, Guid? StoreId)> References, Dictionary<Guid, string> VoucherCodes,
        Dictionary<Guid, string> Stores, bool WhatsAppAllowed);

    /// <summary>The batch's services, resolved once from its scope (never per message).</summary>
    private sealed record Services(SmartbisDb Db, IDataProtector WhatsAppTokens, WhatsAppClient WhatsApp);

    /// <summary>
    /// One claimed batch, as the process goes: read what it needs, open an attempt per message, settle the ones that may
    /// not go (consent, customer), render each, send WhatsApp at once and the emails together, then record every outcome
    /// in one save.
    /// </summary>
    private async Task<(int Sent, int Failed)> DeliverBatchAsync(Guid tenantId, List<Guid> ids, DateTimeOffset stopAt, Shared shared,
        IEmailBatch?[] connections, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = ResolveServices(scope.ServiceProvider, tenantId);
        // The batch is claimed: from here on nothing is cancelled half-way; an unsent message goes back to Scheduled below.
        var batch = await ReadBatchAsync(services.Db, ids, CancellationToken.None);
        var now = clock.GetUtcNow();
        var work = new List<Work>();
        foreach (var m in batch.Messages.OrderBy(x => x.NotBefore))
        {
            var w = OpenAttempt(services.Db, m, now);
            work.Add(w);
            if (SettleUndeliverable(w, batch) is not { } customer) continue;
            await PrepareAsync(w, customer, batch, shared, services, stopAt, now, ct);
        }
        await SendEmailsAsync(work.Where(x => x.Email is not null).ToList(), connections, stopAt, ct);
        var outcome = RecordOutcomes(services.Db, work, now);
        // The outcomes and the month's usage (messages sent per channel) in one transaction.
        await using var tx = await services.Db.Database.BeginTransactionAsync(CancellationToken.None);
        await services.Db.SaveChangesAsync(CancellationToken.None);
        var sent = work.Where(x => x.Message.Status == MessageStatus.Sent).GroupBy(x => x.Message.Channel).ToDictionary(g => g.Key, g => g.Count());
        if (sent.GetValueOrDefault(Channel.Email) is > 0 and var emails)
            await Plans.Usage.AddAsync(services.Db, now, Plans.UsageCounter.EmailsSent, emails, CancellationToken.None);
        if (sent.GetValueOrDefault(Channel.WhatsApp) is > 0 and var whatsApp)
            await Plans.Usage.AddAsync(services.Db, now, Plans.UsageCounter.WhatsAppSent, whatsApp, CancellationToken.None);
        await tx.CommitAsync(CancellationToken.None);
        return outcome;
    }

    private static Services ResolveServices(IServiceProvider sp, Guid tenantId)
    {
        sp.GetRequiredService<TenantContext>().Set(tenantId);
        return new Services(sp.GetRequiredService<SmartbisDb>(),
            sp.GetRequiredService<IDataProtectionProvider>().CreateProtector(WhatsAppTokens.Purpose), sp.GetRequiredService<WhatsAppClient>());
    }

    private static async Task<ClaimedBatch> ReadBatchAsync(SmartbisDb db, List<Guid> ids, CancellationToken ct)
    {
        var messages = await db.Messages.Where(x => ids.Contains(x.Id)).ToListAsync(ct);
        var customerIds = messages.Where(x => x.CustomerId != null).Select(x => x.CustomerId!.Value).Distinct().ToList();
        var customers = await db.Customers.AsNoTracking().Where(c => customerIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var balances = await db.Accounts.Where(a => customerIds.Contains(a.CustomerId))
            .Select(a => new { a.CustomerId, a.AvailableCents }).ToDictionaryAsync(a => a.CustomerId, a => a.AvailableCents, ct);
        var refs = messages.ToDictionary(x => x.Id, TemplateVariables.References);
        var voucherIds = refs.Values.Where(r => r.VoucherCode is null && r.VoucherId is not null).Select(r => r.VoucherId!.Value).Distinct().ToList();
        var storeIds = refs.Values.Where(r => r.StoreId is not null).Select(r => r.StoreId!.Value).Distinct().ToList();
        var codes = voucherIds.Count == 0 ? [] : await db.Vouchers.Where(v => voucherIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, v => v.Code, ct);
        var stores = storeIds.Count == 0 ? [] : await db.Stores.Where(x => storeIds.Contains(x.Id)).ToDictionaryAsync(x => x.Id, x => x.Name, ct);
        var whatsAppAllowed = (await Plans.PlanLimits.PlanOfAsync(db, ct)).WhatsAppAllowed;
        return new ClaimedBatch(messages, customers, balances, refs, codes, stores, whatsAppAllowed);
    }

    /// <summary>Counts the attempt on the message and adds its row (outcome "sent" until told otherwise).</summary>
    private static Work OpenAttempt(SmartbisDb db, Message m, DateTimeOffset now)
    {
        m.Attempts++;
        var attempt = new MessageAttempt { MessageId = m.Id, Number = m.Attempts, At = now, Outcome = "sent" };
        db.MessageAttempts.Add(attempt);
        return new Work(m, attempt);
    }

    /// <summary>
    /// Consent is checked again at the moment of sending: an opted-out or blocked customer's message is Skipped (a test
    /// message goes anyway), one whose customer is gone Failed. Returns the customer when the message may go.
    /// </summary>
    private static Customer? SettleUndeliverable(Work w, ClaimedBatch batch)
    {
        var m = w.Message;
        var customer = m.CustomerId is { } cid ? batch.Customers.GetValueOrDefault(cid) : null;
        var consent = customer is not null && (m.Channel == Channel.Email ? customer.EmailConsent : customer.WhatsAppConsent);
        if (m.Trigger != Triggers.Test && (!consent || customer!.Status != CustomerStatus.Active))
        {
            Finish(m, w.Attempt, MessageStatus.Skipped, "skipped", "The customer opted out or was blocked before it was sent.");
            return null;
        }
        if (customer is null)
        {
            Finish(m, w.Attempt, MessageStatus.Failed, "failed", "The customer no longer exists.");
            return null;
        }
        if (m.Channel == Channel.WhatsApp && !batch.WhatsAppAllowed)
        {
            // Said on the plan page and the downgrade's consequences; the email copy of the trigger still goes.
            Finish(m, w.Attempt, MessageStatus.Skipped, "skipped", "The business's plan does not include WhatsApp.");
            return null;
        }
        return customer;
    }

    /// <summary>
    /// Renders the message with its template (each template read once per run): an email is composed for the parallel
    /// send; a WhatsApp message is sent now. A template or WhatsApp failure settles it; an unexpected error once the
    /// WhatsApp call started makes it Unknown (it may have gone out).
    /// </summary>
    private async Task PrepareAsync(Work w, Customer customer, ClaimedBatch batch, Shared shared, Services services, DateTimeOffset stopAt,
        DateTimeOffset now, CancellationToken ct)
    {
        var m = w.Message;
        try
        {
            var template = await TemplateAsync(services.Db, shared, m);
            var r = batch.References[m.Id];
            var voucherCode = r.VoucherCode ?? (r.VoucherId is { } v ? batch.VoucherCodes.GetValueOrDefault(v) : null);
            var variables = TemplateVariables.ForMessage(m, shared.Tenant, shared.Settings, BaseUrl, customer.Id, customer.Name,
                batch.Balances.GetValueOrDefault(customer.Id), voucherCode, r.StoreId is { } s ? batch.Stores.GetValueOrDefault(s) : null, shared.RewardType);
            if (m.Channel == Channel.Email) w.Email = ComposeEmail(m, template, variables, shared, customer);
            // WhatsApp stays one message at a time: the Cloud API call is the cost, and it is rare next to email.
            else if (!ct.IsCancellationRequested && clock.GetUtcNow() < stopAt) await SendWhatsAppAsync(w, template, variables, shared.Settings, services, now);
            // else NotTried: back to Scheduled when the outcomes are recorded
        }
        catch (Exception e) when (e is WhatsAppException or TemplateException or System.Security.Cryptography.CryptographicException)
        {
            w.Outcome = SendOutcome.Failed;
            Fail(m, w.Attempt, e, now);
        }
        catch (Exception e) when (w.Outcome == SendOutcome.Failed && e is not OperationCanceledException)
        {
            // An unexpected error once the WhatsApp call started: it may have gone out, so Unknown (what the sweeper would say).
            Finish(m, w.Attempt, MessageStatus.Unknown, "unknown", e.Message);
            log.LogWarning(e, "Message {MessageId} attempt {Attempt}: unknown", m.Id, m.Attempts);
        }
    }

    private static async Task<TemplateText> TemplateAsync(SmartbisDb db, Shared shared, Message m)
    {
        // A campaign's message is worded by its campaign (one template per campaign, whatever the language).
        var campaignId = m.Trigger == Triggers.Campaign ? Campaigns.CampaignTemplate.CampaignOf(m) : null;
        var key = (campaignId is { } id ? $"{m.Trigger}:{id}" : m.Trigger, m.Channel, m.Locale);
        if (!shared.Templates.TryGetValue(key, out var template))
            shared.Templates[key] = template = campaignId is { } cid
                ? await Campaigns.CampaignTemplate.ForAsync(db, cid, CancellationToken.None)
                : await Messaging.TemplateAsync(db, m.Trigger, m.Channel, m.Locale, CancellationToken.None);
        return template;
    }

    /// <summary>The email of a message: rendered in the tenant's layout, with one-click unsubscribe headers (not on a test).</summary>
    private static EmailMessage ComposeEmail(Message m, TemplateText template, Dictionary<string, string> variables, Shared shared, Customer customer)
    {
        var rendered = RenderTemplate.Email(template, variables, TemplateVariables.Layout(shared.Tenant, m.Locale));
        m.Subject = Cut(rendered.Subject, 300);
        var headers = new Dictionary<string, string>();
        if (m.Trigger != Triggers.Test)
        {
            headers["List-Unsubscribe"] = $"<{variables["opt_out_link"]}>";
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click";
        }
        return new EmailMessage(m.Recipient, rendered.Subject, rendered.Html, rendered.Text, customer.Name)
        {
            Headers = headers, FromName = shared.Settings.SenderName ?? shared.Tenant.Name, ReplyTo = shared.Settings.ReplyTo,
        };
    }

    /// <summary>Sends a WhatsApp message with the business's approved template and its parameters, and settles it as Sent.</summary>
    private static async Task SendWhatsAppAsync(Work w, TemplateText template, Dictionary<string, string> variables, MessagingSettings settings,
        Services services, DateTimeOffset now)
    {
        var m = w.Message;
        if (!settings.HasWhatsApp) throw new WhatsAppException(WhatsAppFailure.Permanent, "WhatsApp is not configured for this business.");
        var token = services.WhatsAppTokens.Unprotect(settings.WhatsAppTokenProtected!);
        var parameters = (template.WhatsAppParameters ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => variables.GetValueOrDefault(p, "")).ToList();
        m.Subject = Cut(RenderTemplate.Text(template.Body, variables), 300);
        w.Outcome = SendOutcome.Failed; // from here on it may have gone out
        m.ProviderMessageId = await services.WhatsApp.SendTemplateAsync(settings.WhatsAppPhoneNumberId!, token,
            new WhatsAppClient.TemplateMessage(m.Recipient, template.WhatsAppTemplate ?? m.Trigger, m.Locale, parameters), CancellationToken.None);
        w.Outcome = SendOutcome.Sent;
        m.SentAt = now;
        Finish(m, w.Attempt, MessageStatus.Sent, "sent", null);
    }

    /// <summary>
    /// Each message's outcome: settled before sending (counted as it went), an email Sent or Failed, or never tried
    /// (cancelled, or the claim ran short): no attempt then, due again as it was.
    /// </summary>
    private (int Sent, int Failed) RecordOutcomes(SmartbisDb db, List<Work> work, DateTimeOffset now)
    {
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
                    m.Attempts--;
                    m.Status = MessageStatus.Scheduled;
                    m.ClaimedUntil = null;
                    db.Entry(w.Attempt).State = EntityState.Detached;
                    break;
            }
        }
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
