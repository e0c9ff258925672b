using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;

namespace Smartbis.Web.Features.Tenancy;

/// <summary>
/// Adds a store (within the plan's store limit, <see cref="Plans.PlanLimits"/>) or changes one (name, address, active), with its audit entry,
/// in one SaveChanges. Another tenant's store id is simply not found.
/// </summary>
public sealed class SaveStore(SmartbisDb db, TimeProvider clock)
{
    /// <param name="StoreId">Null adds a store.</param>
    public sealed record Request(Guid? StoreId, string Name, string? Address, bool Active);

    /// <returns>False when there is no such store here: the caller answers 404.</returns>
    public async Task<bool> ExecuteAsync(Request r, AuditActor actor, CancellationToken ct = default)
    {
        var isNew = r.StoreId is null;
        var store = isNew ? new Store { Name = "", CreatedAt = clock.GetUtcNow() } : await db.Stores.SingleOrDefaultAsync(s => s.Id == r.StoreId, ct);
        if (store is null) return false;
        // The plan's store limit counts active stores: adding one, or reactivating one, needs room under it.
        if (r.Active && (isNew || !store.Active)) await Plans.PlanLimits.EnsureCanAddStoreAsync(db, ct);
        var before = isNew ? null : new { store.Name, store.Address, store.Active };
        store.Name = r.Name.Trim();
        store.Address = string.IsNullOrWhiteSpace(r.Address) ? null : r.Address.Trim();
        store.Active = r.Active;
        if (isNew) db.Stores.Add(store);
        RecordAudit.Add(db, actor, clock.GetUtcNow(), isNew ? "store.created" : "store.updated",
            $"Store {store.Name} {(isNew ? "added" : "changed")}", "store", store.Id, before, new { store.Name, store.Address, store.Active }, values: new { name = store.Name });
        await db.SaveChangesAsync(ct);
        return true;
    }
}
