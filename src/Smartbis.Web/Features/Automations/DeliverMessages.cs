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
/// Sends a tenant's due messages: claims a batch (Scheduled → Sending, skipping rows another run holds), sends
/// each over one SMTP connection (or the WhatsApp Cloud API) and records every attempt. Transient failures
/// retry with exponential backoff up to <see cref="MaxAttempts"/>; permanent ones are Bounced; a drop after
/// the content went out is Unknown. Consent is checked again at the moment of sending.
/// </summary>
public sealed class DeliverMessages(
    IServiceScopeFactory scopes, LedgerUnit unit, TimeProvider clock, IEmailBatchSender emailSender, IConfiguration config,
    ILogger<DeliverMessages> log)
{
    public const int MaxAttempts = 5;
    private const int Batch = 50;
    /// <summary>How long a claim lasts; a message still Sending after it is marked Unknown by the sweeper.</summary>
    public static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(10);

    /// <summary>1, 2, 4, 8… minutes after the attempt that failed.</summary>
    public static TimeSpan Backoff(int attempt) => TimeSpan.FromMinutes(Math.Pow(2, Math.Clamp(attempt - 1, 0, 10)));

    public sealed record Result(int Sent, int Failed);

    public async Task<Result> ExecuteAsync(Guid tenantId, CancellationToken ct = default)
    {
        int sent = 0, failed = 0;
        IEmailBatch? email = null;
        // What every message of the run shares is read once per run, not once per message (issue 9: ≥ 200 messages/s).
        var shared = await unit.RunAsync(tenantId, async db => new Shared(
            await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == tenantId, ct), await Messaging.SettingsAsync(db, ct)), ct);
        try
        {
            while (true)
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
                foreach (var id in ids)
                {
                    var ok = await DeliverOneAsync(tenantId, id, shared, async () => email ??= await emailSender.OpenAsync(ct), ct);
                    if (ok) sent++; else failed++;
                }
                if (ids.Count < Batch) break;
            }
        }
        finally
        {
            if (email is not null) await email.DisposeAsync();
        }
        return new Result(sent, failed);
    }

    /// <summary>The tenant and its messaging settings, read once per run; templates as each (trigger, channel, locale) is first used.</summary>
    private sealed record Shared(Tenant Tenant, MessagingSettings Settings)
    {
        public Dictionary<(string, Channel, string), TemplateText> Templates { get; } = new();
    }

    private async Task<bool> DeliverOneAsync(Guid tenantId, Guid messageId, Shared shared, Func<Task<IEmailBatch>> email, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<SmartbisDb>();
        var m = await db.Messages.SingleAsync(x => x.Id == messageId, ct);
        var customer = await db.Customers.AsNoTracking().SingleAsync(c => c.Id == m.CustomerId, ct);
        var (tenant, settings) = (shared.Tenant, shared.Settings);
        var now = clock.GetUtcNow();
        m.Attempts++;
        var attempt = new MessageAttempt { MessageId = m.Id, Number = m.Attempts, At = now, Outcome = "sent" };
        db.MessageAttempts.Add(attempt);

        var consent = m.Channel == Channel.Email ? customer.EmailConsent : customer.WhatsAppConsent;
        if (m.Trigger != Triggers.Test && (!consent || customer.Status != CustomerStatus.Active))
        {
            Finish(m, attempt, MessageStatus.Skipped, "skipped", "The customer opted out or was blocked before it was sent.");
            await db.SaveChangesAsync(CancellationToken.None);
            return false;
        }

        try
        {
            if (!shared.Templates.TryGetValue((m.Trigger, m.Channel, m.Locale), out var template))
                shared.Templates[(m.Trigger, m.Channel, m.Locale)] = template = await Messaging.TemplateAsync(db, m.Trigger, m.Channel, m.Locale, ct);
            var variables = await TemplateVariables.ForMessageAsync(db, m, tenant, settings, BaseUrl, ct);
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
                var batch = await email();
                await batch.SendAsync(new EmailMessage(m.Recipient, rendered.Subject, rendered.Html, rendered.Text, customer.Name)
                {
                    Headers = headers, FromName = settings.SenderName ?? tenant.Name, ReplyTo = settings.ReplyTo,
                }, ct);
            }
            else
            {
                if (!settings.HasWhatsApp) throw new WhatsAppException(WhatsAppFailure.Permanent, "WhatsApp is not configured for this business.");
                var token = scope.ServiceProvider.GetRequiredService<IDataProtectionProvider>().CreateProtector(WhatsAppTokens.Purpose).Unprotect(settings.WhatsAppTokenProtected!);
                var parameters = (template.WhatsAppParameters ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(p => variables.GetValueOrDefault(p, "")).ToList();
                m.Subject = Cut(RenderTemplate.Text(template.Body, variables), 300);
                var client = scope.ServiceProvider.GetRequiredService<WhatsAppClient>();
                m.ProviderMessageId = await client.SendTemplateAsync(settings.WhatsAppPhoneNumberId!, token,
                    new WhatsAppClient.TemplateMessage(m.Recipient, template.WhatsAppTemplate ?? m.Trigger, m.Locale, parameters), ct);
            }
            m.SentAt = now;
            Finish(m, attempt, MessageStatus.Sent, "sent", null);
            await db.SaveChangesAsync(CancellationToken.None);
            return true;
        }
        catch (Exception e) when (e is EmailDeliveryException or WhatsAppException or TemplateException or System.Security.Cryptography.CryptographicException)
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
            await db.SaveChangesAsync(CancellationToken.None);
            return false;
        }
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
