using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Operations;

/// <summary>
/// What a suspension stops, decided in one place. Recording (purchases, refunds, enrolments, redemptions, adjustments,
/// bonuses, imports, voucher cancellations) passes <see cref="EnsureActiveAsync"/> inside its own transaction
/// (<c>LedgerUnit.RunOnceAsync</c> and <c>LedgerUnit.RecordAsync</c> call it), so no page, endpoint or script can go
/// around it; the background jobs ask <see cref="IsSuspendedAsync"/> and skip the tenant. Reads are never refused
/// (the API refuses every request of a suspended tenant at its edge: <c>Api/SuspendedTenantFilter</c>).
/// </summary>
public static class Suspension
{
    public const string Code = "tenant_suspended";

    /// <summary>
    /// Refuses (403, with the operator's reason) when the tenant is suspended. A primary-key read of <c>tenants</c>, kept by
    /// the configuration cache (Data/Caching): a suspension drops it on the node that made it at commit and on every other
    /// node when PostgreSQL's notification arrives, the same guarantee as a revoked API key; a node that is not listening
    /// reads the row every time.
    /// </summary>
    public static async Task EnsureActiveAsync(SmartbisDb db, Guid tenantId, CancellationToken ct = default)
    {
        var t = await db.CachedAsync(tenantId, "status", () => db.Tenants.AsNoTracking().Where(x => x.Id == tenantId)
            .Select(x => new TenantState(x.Status, x.SuspensionReason)).SingleAsync(ct));
        if (t.Status == TenantStatus.Suspended) throw Refusal(t.SuspensionReason);
    }

    private sealed record TenantState(TenantStatus Status, string? SuspensionReason);

    public static OperationFailed Refusal(string? reason) =>
        new OperationFailed("tenant_suspended", "tenant_suspended", "", 403, values: new { reason = reason ?? "" });

    /// <summary>For jobs: whether to skip the tenant (its own scope; <c>tenants</c> is global, no tenant needed).</summary>
    public static async Task<bool> IsSuspendedAsync(IServiceScopeFactory scopes, Guid tenantId, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SmartbisDb>().Tenants
            .AnyAsync(t => t.Id == tenantId && t.Status == TenantStatus.Suspended, ct);
    }
}
