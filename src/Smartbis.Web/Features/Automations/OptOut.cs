using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Automations;

/// <summary>
/// The signed opt-out link, without signing in: the token names the tenant, customer and channel, and the tenant's
/// link key proves it. Withdraws that channel's consent (recorded in customer_consents) and skips what is waiting.
/// </summary>
public sealed class OptOut(IServiceScopeFactory scopes, TimeProvider clock)
{
    public sealed record Target(Guid TenantId, Guid CustomerId, Channel Channel, string Brand, string? Email, bool AlreadyOut);

    /// <summary>Null when the token is malformed, forged or names nobody.</summary>
    public async Task<Target?> ReadAsync(string token, CancellationToken ct = default)
    {
        if (OptOutLinks.Read(token) is not { } t) return null;
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(t.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<SmartbisDb>();
        var key = await db.MessagingSettings.Select(s => s.LinkKey).SingleOrDefaultAsync(ct);
        if (key is null || !OptOutLinks.Verify(token, key)) return null;
        var customer = await db.Customers.AsNoTracking().SingleOrDefaultAsync(c => c.Id == t.CustomerId, ct);
        var brand = await db.Tenants.Where(x => x.Id == t.TenantId).Select(x => x.Name).SingleAsync(ct);
        if (customer is null) return null;
        var consent = t.Channel == Channel.Email ? customer.EmailConsent : customer.WhatsAppConsent;
        return new Target(t.TenantId, t.CustomerId, t.Channel, brand, customer.Email, !consent);
    }

    public async Task<Target?> ExecuteAsync(string token, string source = "unsubscribe link", CancellationToken ct = default)
    {
        var target = await ReadAsync(token, ct);
        if (target is null || target.AlreadyOut) return target;
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(target.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<SmartbisDb>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var customer = await db.Customers.SingleAsync(c => c.Id == target.CustomerId, ct);
        var now = clock.GetUtcNow();
        if (target.Channel == Channel.Email) customer.EmailConsent = false; else customer.WhatsAppConsent = false;
        db.CustomerConsents.Add(new CustomerConsent
        {
            CustomerId = customer.Id, Channel = target.Channel, Granted = false, At = now, Source = source,
            Wording = "Opted out with the link in a message.",
        });
        await db.SaveChangesAsync(ct);
        await db.Messages.Where(m => m.CustomerId == customer.Id && m.Channel == target.Channel && m.Status == MessageStatus.Scheduled)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MessageStatus.Skipped).SetProperty(m => m.Error, "The customer opted out."), ct);
        await tx.CommitAsync(ct);
        return target with { AlreadyOut = true };
    }
}
