using System.Collections.Concurrent;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Plans;

/// <summary>
/// Counts the events every request of a tenant makes — API calls, and purchases once their transaction has committed —
/// per tenant and month in memory, and adds them to <c>usage_months</c> in batches (<see cref="FlushAsync"/>, every
/// <see cref="Interval"/> and at shutdown): one upsert per tenant and counter per interval instead of one write per event.
/// A purchase used to add to the month's row in its own transaction, and every purchase of a tenant then queued on that
/// one row's lock until the previous one's commit had reached the disk: it capped a tenant at about one purchase per
/// commit flush (docs/performance.md). Each node adds only its own deltas, so the sum is right with any number of nodes;
/// a rolled-back or replayed purchase is never counted; a node that dies loses at most one interval of its own counts
/// (the price of not writing per event).
/// </summary>
public sealed class UsageMeter(IServiceScopeFactory scopes, ILogger<UsageMeter> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private ConcurrentDictionary<(Guid Tenant, DateOnly Month, UsageCounter Counter), long> pending = new();

    public void Count(Guid tenantId, DateTimeOffset at, UsageCounter counter = UsageCounter.ApiCalls, long delta = 1) =>
        pending.AddOrUpdate((tenantId, PlanLimits.MonthOf(at), counter), delta, (_, n) => n + delta);

    /// <summary>Writes what was counted since the last flush (what fails to write is kept for the next one).</summary>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        var batch = Interlocked.Exchange(ref pending, new ConcurrentDictionary<(Guid, DateOnly, UsageCounter), long>());
        foreach (var ((tenantId, month, counter), n) in batch)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
                var db = scope.ServiceProvider.GetRequiredService<SmartbisDb>();
                await Usage.AddAsync(db, tenantId, new DateTimeOffset(month.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), counter, n, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Could not add {Count} {Counter} of tenant {TenantId}; kept for the next flush", n, counter, tenantId);
                pending.AddOrUpdate((tenantId, month, counter), n, (_, m) => m + n);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await FlushAsync(stoppingToken);
        }
        catch (OperationCanceledException) { }
        await FlushAsync(CancellationToken.None);
    }
}

/// <summary>
/// Every /api/v1 call: refused with 403 problem+json (<c>plan_limit</c>, upgradeUrl) when the tenant's plan has no API
/// access, else counted by <see cref="UsageMeter"/>.
/// </summary>
public sealed class ApiPlanFilter(SmartbisDb db, UsageMeter meter, TimeProvider clock) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext ctx, EndpointFilterDelegate next)
    {
        await PlanLimits.EnsureFeatureAsync(db, PlanFeature.Api, ctx.HttpContext.RequestAborted);
        meter.Count(db.Tenant.Require(), clock.GetUtcNow());
        return await next(ctx);
    }
}
