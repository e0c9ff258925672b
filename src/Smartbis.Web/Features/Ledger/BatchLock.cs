using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Ledger;

/// <summary>
/// Locks the accounts of a batch of customers for the rest of the transaction, as <see cref="Books.LockAsync"/> does for
/// one: in customer order, so that two batch jobs (or two nodes running one) wait for each other and never deadlock.
/// </summary>
public static class BatchLock
{
    public static async Task<Dictionary<Guid, Account>> AccountsAsync(SmartbisDb db, Guid[] customerIds, CancellationToken ct = default)
    {
        var tenantId = db.Tenant.Require();
        var accounts = await db.Accounts
            .FromSqlInterpolated($"SELECT * FROM accounts WHERE tenant_id = {tenantId} AND customer_id = ANY({customerIds}) ORDER BY customer_id FOR UPDATE")
            .ToDictionaryAsync(a => a.CustomerId, ct);
        if (accounts.Count != customerIds.Distinct().Count()) throw new OperationFailed("not_found", "customer_not_found", "customerId", 404);
        return accounts;
    }
}
