using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Smartbis.Web.Data;

namespace Smartbis.Web.Infrastructure;

/// <summary>Ready means the database answers.</summary>
public sealed class DatabaseHealthCheck(SmartbisDb db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        await db.Database.CanConnectAsync(ct)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("PostgreSQL does not answer.");
}

/// <summary>Ready also means Hangfire's storage answers, or jobs would silently pile up.</summary>
public sealed class JobStorageHealthCheck(JobStorage storage) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            using var connection = storage.GetConnection();
            connection.GetAllItemsFromSet("smartbis-health");
            return Task.FromResult(HealthCheckResult.Healthy());
        }
        catch (Exception e)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("Hangfire storage does not answer.", e));
        }
    }
}
