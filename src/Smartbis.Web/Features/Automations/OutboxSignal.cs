using System.Collections.Concurrent;
using System.Data.Common;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Ledger;

namespace Smartbis.Web.Features.Automations;

/// <summary>
/// Enqueues the dispatch job right after a commit that wrote outbox events, so a purchase's "cashback earned"
/// leaves in seconds. Watches SmartbisDb (an EF interceptor): the ledger operations need not know about
/// automations. Never fails the write: if enqueueing fails, the sweeper delivers the event a minute later.
/// A tenant with a job already waiting to start is not enqueued again (a burst of purchases makes one job).
/// </summary>
public sealed class OutboxSignal(IServiceProvider services, TimeProvider clock, ILogger<OutboxSignal> log)
    : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private static readonly TimeSpan Debounce = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> waiting = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Note(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken ct = default)
    {
        Note(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context?.Database.CurrentTransaction is null) Flush(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken ct = default)
    {
        if (eventData.Context?.Database.CurrentTransaction is null) Flush(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Flush(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
    {
        Flush(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    /// <summary>The dispatch job started: the next commit for this tenant enqueues a new one.</summary>
    public void Started(Guid tenantId) => waiting.TryRemove(tenantId, out _);

    // The tenants a context's unsaved events belong to are kept on the context itself (one request's, never shared between
    // threads): a table keyed by context took one process-wide lock on every save, which concurrent purchases queued on.
    private static void Note(DbContext? context)
    {
        if (context is not SmartbisDb db) return;
        foreach (var e in db.ChangeTracker.Entries<OutboxEvent>())
            if (e.State == EntityState.Added)
                (db.OutboxTenants ??= []).Add(e.Entity.TenantId == Guid.Empty ? db.CurrentTenantId : e.Entity.TenantId);
    }

    private static void Forget(DbContext? context)
    {
        if (context is SmartbisDb db) db.OutboxTenants = null;
    }

    private void Flush(DbContext? context)
    {
        if (context is not SmartbisDb { OutboxTenants: { } tenants } db) return;
        db.OutboxTenants = null;
        foreach (var tenantId in tenants.Where(t => t != Guid.Empty)) Request(tenantId);
    }

    /// <summary>
    /// The one way dispatch is asked for: enqueues <see cref="AutomationJobs.DispatchAndDeliverAsync"/> for the tenant
    /// unless one is already waiting to start (after a commit here, and from the sweeper). Never throws.
    /// </summary>
    public void Request(Guid tenantId)
    {
        var now = clock.GetUtcNow();
        if (waiting.TryGetValue(tenantId, out var since) && now - since < Debounce) return;
        try
        {
            services.GetRequiredService<IBackgroundJobClient>().Enqueue<AutomationJobs>(j => j.DispatchAndDeliverAsync(tenantId));
            waiting[tenantId] = now;
        }
        catch (Exception e)
        {
            // The write is committed; the sweeper picks the events up. A channel or queue outage never fails a ledger write.
            log.LogWarning(e, "Could not enqueue message dispatch for tenant {TenantId}; the sweeper will", tenantId);
        }
    }
}
