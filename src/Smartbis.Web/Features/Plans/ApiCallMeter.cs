using System.Collections.Concurrent;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Plans;

/// <summary>
/// Counts API calls per tenant and month in memory and adds them to <c>usage_months.api_calls</c> in batches
/// (<see cref="FlushAsync"/>, every <see cref="Interval"/> and at shutdown): one upsert per tenant per interval instead of
/// one write per request. Each node adds only its own deltas, so the sum is right with any number of nodes; a node that
/// dies loses at most one interval of its own counts (the price of not writing per request).
/// </summary>
public sealed class ApiCallMeter(IServiceScopeFactory scopes, ILogger<ApiCallMeter> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private ConcurrentDictionary<(Guid Tenant, DateOnly Month), long> pending = new();

    public void Count(Guid tenantId, DateTimeOffset at) =>
        pending.AddOrUpdate((tenantId, PlanLimits.MonthOf(at)), 1, (_, n) => n + 1);

    /// <summary>Writes what was counted since the last flush (what fails to write is kept for the next one).</summary>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        var batch = Interlocked.Exchange(ref pending, new ConcurrentDictionary<(Guid, DateOnly), long>());
        foreach (var ((tenantId, month), calls) in batch)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
                var db = scope.ServiceProvider.GetRequiredService<SmartbisDb>();
                await Usage.AddAsync(db, tenantId, new DateTimeOffset(month.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), UsageCounter.ApiCalls, calls, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Could not write {Calls} API calls of tenant {TenantId}; kept for the next flush", calls, tenantId);
                pending.AddOrUpdate((tenantId, month), calls, (_, n) => n + calls);
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
/// access, else counted by <see cref="ApiCallMeter"/>.
/// </summary>
public sealed class ApiPlanFilter(SmartbisDb db, ApiCallMeter meter, TimeProvider clock) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext ctx, EndpointFilterDelegate next)
    {
        await PlanLimits.EnsureFeatureAsync(db, PlanFeature.Api, ctx.HttpContext.RequestAborted);
        meter.Count(db.Tenant.Require(), clock.GetUtcNow());
        return await next(ctx);
    }
}
