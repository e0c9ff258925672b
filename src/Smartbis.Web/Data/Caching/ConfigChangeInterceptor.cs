using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Data.Caching;

/// <summary>
/// On the node that makes a change, drops the changed tenant's <see cref="ConfigCache"/> entries as soon as the change
/// commits, without waiting for the notification (which still tells every node, this one included). Saves of the cached
/// entities are seen here; the few bulk updates of cached tables (suspension) call <see cref="SmartbisDb.ConfigChanged"/>.
/// </summary>
public sealed class ConfigChangeInterceptor : SaveChangesInterceptor, IDbTransactionInterceptor
{
    public static readonly ConfigChangeInterceptor Instance = new();

    /// <summary>The entities whose tables carry the notification trigger (migration ConfigChangeNotifications).</summary>
    public static readonly IReadOnlySet<Type> Cached = new HashSet<Type>
    {
        typeof(Tenant), typeof(Store), typeof(TenantKey), typeof(Features.Integrations.ApiKey), typeof(Features.Programs.ProgramRules),
        typeof(Features.Tiers.TierProgram), typeof(Features.Challenges.Challenge), typeof(Features.Campaigns.Campaign), typeof(Features.Plans.PlanDefinition),
        typeof(Membership), typeof(Features.Counter.CounterSettings), typeof(Features.Categories.ProductCategory),
    };

    public override InterceptionResult<int> SavingChanges(DbContextEventData e, InterceptionResult<int> result)
    {
        Collect(e.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData e, InterceptionResult<int> result, CancellationToken ct = default)
    {
        Collect(e.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData e, int result)
    {
        ApplyIfCommitted(e.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData e, int result, CancellationToken ct = default)
    {
        ApplyIfCommitted(e.Context);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData e) => Apply(e.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData e, CancellationToken ct = default)
    {
        Apply(e.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData e) => Forget(e.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData e, CancellationToken ct = default)
    {
        Forget(e.Context);
        return Task.CompletedTask;
    }

    private static void Collect(DbContext? context)
    {
        if (context is not SmartbisDb db) return;
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted) || !Cached.Contains(entry.Metadata.ClrType)) continue;
            db.ConfigChanged(entry.Entity switch
            {
                Tenant t => t.Id,
                Membership => ConfigCache.Global, // kept per user, across tenants
                ITenantOwned owned => owned.TenantId,
                _ => ConfigCache.Global,
            });
        }
    }

    // Outside a transaction of the caller's, EF's own transaction has committed when SaveChanges returns.
    private static void ApplyIfCommitted(DbContext? context)
    {
        if (context is SmartbisDb db && db.Database.CurrentTransaction is null) Apply(db);
    }

    private static void Apply(DbContext? context)
    {
        if (context is SmartbisDb db) db.ApplyConfigChanges();
    }

    private static void Forget(DbContext? context)
    {
        if (context is SmartbisDb db) db.ForgetConfigChanges();
    }
}
