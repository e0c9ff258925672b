using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Portal;

/// <summary>
/// A member changes how they may be contacted (and their language). Each consent that changes is recorded in
/// customer_consents with time, source "portal" and the words shown; nothing is recorded when nothing changed.
/// </summary>
public sealed class UpdatePreferences(SmartbisDb db, TimeProvider clock)
{
    public sealed record Request(bool EmailConsent, bool WhatsAppConsent, string? Locale, string EmailWording, string WhatsAppWording);

    public async Task<int> ExecuteAsync(Guid customerId, Request r, CancellationToken ct = default)
    {
        var customer = await db.Customers.SingleAsync(c => c.Id == customerId, ct);
        var v = new Validation();
        v.Check(!r.EmailConsent || customer.Email is not null, "emailConsent", "email_before_consent");
        v.Check(!r.WhatsAppConsent || customer.Phone is not null, "whatsAppConsent", "phone_before_consent");
        v.Check(r.Locale is null or "pt-BR" or "en", "locale", "locale_unknown");
        v.ThrowIfInvalid();
        var now = clock.GetUtcNow();
        var changes = 0;
        if (customer.EmailConsent != r.EmailConsent)
        {
            customer.EmailConsent = r.EmailConsent;
            db.CustomerConsents.Add(new CustomerConsent { CustomerId = customerId, Channel = Channel.Email, Granted = r.EmailConsent, At = now, Source = "portal", Wording = r.EmailWording });
            changes++;
        }
        if (customer.WhatsAppConsent != r.WhatsAppConsent)
        {
            customer.WhatsAppConsent = r.WhatsAppConsent;
            db.CustomerConsents.Add(new CustomerConsent { CustomerId = customerId, Channel = Channel.WhatsApp, Granted = r.WhatsAppConsent, At = now, Source = "portal", Wording = r.WhatsAppWording });
            changes++;
        }
        if (r.Locale is not null && customer.Locale != r.Locale)
        {
            customer.Locale = r.Locale;
            changes++;
        }
        await db.SaveChangesAsync(ct);
        return changes;
    }
}
