using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Integrations;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Data;

public sealed partial class SmartbisDb
{
    public DbSet<TenantKey> TenantKeys => Set<TenantKey>();

    /// <summary>
    /// Keeps tenant_keys (the platform-wide unique keys that name a tenant) in step with the rows they index, in the
    /// same SaveChanges, whoever saves them: a new API key's hash; a messaging settings row whose WhatsApp phone number
    /// id changes. A phone number id that another tenant holds fails the save with a unique violation (23505).
    /// </summary>
    private void IndexTenantKeys()
    {
        var now = DateTimeOffset.UtcNow;
        // Once per row, also when a failed save is retried with the same tracked entities.
        void Add(Guid tenantId, string kind, string key, DateTimeOffset at)
        {
            if (!TenantKeys.Local.Any(k => k.Kind == kind && k.Key == key))
                TenantKeys.Add(new TenantKey { TenantId = tenantId, Kind = kind, Key = key, CreatedAt = at });
        }
        foreach (var e in ChangeTracker.Entries<ApiKey>().Where(e => e.State == EntityState.Added).ToList())
            Add(e.Entity.TenantId, TenantKeyKinds.ApiKey, e.Entity.KeyHash, e.Entity.CreatedAt);

        foreach (var e in ChangeTracker.Entries<MessagingSettings>().ToList())
        {
            var property = e.Property(s => s.WhatsAppPhoneNumberId);
            string? before = e.State == EntityState.Added ? null : property.OriginalValue;
            string? after = e.State == EntityState.Deleted ? null : property.CurrentValue;
            if (e.State is EntityState.Unchanged or EntityState.Detached || before == after) continue;
            if (before is not null)
            {
                var old = new TenantKey { TenantId = e.Entity.TenantId, Kind = TenantKeyKinds.WhatsAppPhoneNumberId, Key = before };
                var tracked = TenantKeys.Local.FirstOrDefault(k => k.TenantId == old.TenantId && k.Kind == old.Kind && k.Key == old.Key);
                Entry(tracked ?? old).State = EntityState.Deleted;
            }
            if (after is not null) Add(e.Entity.TenantId, TenantKeyKinds.WhatsAppPhoneNumberId, after, now);
        }
    }
}
