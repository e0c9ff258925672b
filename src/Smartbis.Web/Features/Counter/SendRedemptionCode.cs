using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Notifications.Email;
using Smartbis.Web.Features.Notifications.WhatsApp;
using Smartbis.Web.Features.Security;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Counter;

/// <summary>
/// Sends the customer a 6-digit one-time code that authorizes one redemption up to an amount. It goes straight
/// (not through the outbox: the cashier and customer are waiting at the till) to the customer's phone by WhatsApp
/// when the business has WhatsApp, else to their email. A customer it cannot reach needs a manager's PIN instead.
/// </summary>
public sealed class SendRedemptionCode(SmartbisDb db, IEmailSender email, WhatsAppCodes whatsApp, TimeProvider clock, ILogger<SendRedemptionCode> log)
{
    public sealed record Result(Guid CodeId, string SentTo, DateTimeOffset ExpiresAt);

    /// <summary>How many codes a customer can be sent per hour: a cashier cannot spam them.</summary>
    public const int MaxPerHour = 5;

    public async Task<Result> ExecuteAsync(Guid customerId, long amountCents, AuditActor actor, CancellationToken ct = default)
    {
        var customer = await db.Customers.Where(c => c.Id == customerId)
                           .Select(c => new { c.Id, c.Name, c.Email, c.Phone, c.Locale }).SingleOrDefaultAsync(ct)
                       ?? throw new OperationFailed("not_found", "customer_not_found", "customerId", 404);
        var messaging = await db.MessagingSettings.AsNoTracking().SingleOrDefaultAsync(ct);
        var byWhatsApp = customer.Phone is not null && messaging is { HasWhatsApp: true };
        if (!byWhatsApp && customer.Email is null)
            throw new OperationFailed("no_email", "customer_no_email", "code");
        var now = clock.GetUtcNow();
        var tenantId = db.Tenant.Require();
        var settings = await SaveCounterSettings.LoadAsync(db, ct);
        var tenant = await db.Tenants.Where(t => t.Id == tenantId).Select(t => new { t.Name, t.CurrencyCode, t.Locale }).SingleAsync(ct);
        var code = OneTimeCodes.New();
        var row = new RedemptionCode
        {
            CustomerId = customerId, CodeHash = Hash(tenantId, customerId, code), MaxAmountCents = amountCents,
            SentTo = byWhatsApp ? Phones.Mask(customer.Phone!) : Emails.Mask(customer.Email!), CreatedAt = now, ExpiresAt = now.AddMinutes(settings.CodeValidityMinutes),
            CreatedByUserId = actor.UserId,
        };
        // Count and insert under the customer's row lock: parallel requests (on any web node) take turns, so the
        // hourly limit is a limit and not a race (the same shape as the portal's sign-in codes).
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM customers WHERE tenant_id = {tenantId} AND id = {customerId} FOR UPDATE", ct);
            var since = now.AddHours(-1);
            var recent = await db.RedemptionCodes.CountAsync(c => c.CustomerId == customerId && c.CreatedAt > since, ct);
            if (recent >= MaxPerHour)
                throw new OperationFailed("too_many_codes", "too_many_codes", "code");
            db.RedemptionCodes.Add(row);
            RecordAudit.Add(db, actor, now, "redemption_code.sent",
                $"One-time code sent to {row.SentTo} for a redemption of up to {Money.Format(amountCents, tenant.CurrencyCode, tenant.Locale)}",
                "customer", customerId, after: new { amountCents, row.SentTo, row.ExpiresAt }, values: new { sentTo = row.SentTo, amount = amountCents });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        });

        var locale = customer.Locale ?? tenant.Locale;
        if (byWhatsApp)
        {
            try
            {
                await whatsApp.SendAsync(messaging!, customer.Phone!, locale, code, ct);
                return new Result(row.Id, row.SentTo, row.ExpiresAt);
            }
            catch (WhatsAppException e)
            {
                log.LogWarning("Redemption code for customer {CustomerId} not sent by WhatsApp: {Error}", customerId, e.Message);
                if (customer.Email is null)
                    throw new OperationFailed("send_failed", "redemption_send_failed", "code", 503);
                row.SentTo = Emails.Mask(customer.Email); // the same code goes by email instead
                await db.SaveChangesAsync(ct);
            }
        }
        var mail = RenderTemplate.Transactional(TransactionalTemplates.RedemptionCode, locale, new Dictionary<string, string>
        {
            ["code"] = code, ["amount"] = Money.Format(amountCents, tenant.CurrencyCode, tenant.Locale),
            ["minutes"] = settings.CodeValidityMinutes.ToString(CultureInfo.InvariantCulture), ["brand"] = tenant.Name, ["customer_name"] = customer.Name,
        });
        await email.SendAsync(new EmailMessage(customer.Email!, mail.Subject, mail.Html, mail.Text, customer.Name), ct);
        return new Result(row.Id, row.SentTo, row.ExpiresAt);
    }

    public static string Hash(Guid tenantId, Guid customerId, string code) => OneTimeCodes.Hash(OneTimeCodes.Counter, tenantId, customerId, code);
}
