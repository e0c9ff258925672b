using Npgsql;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Ledger;

/// <summary>
/// Runs one ledger operation as one database transaction in a fresh scope (fresh DbContext) for the tenant.
/// Serialization failures, deadlocks and unique-key races are retried as a whole unit: the retry re-reads
/// everything, so it sees what the winner wrote (the existing customer, the receipt, the idempotency key).
/// </summary>
public sealed class LedgerUnit(IServiceScopeFactory scopes, ILogger<LedgerUnit> log)
{
    private const int MaxAttempts = 6;

    public async Task<T> RunAsync<T>(Guid tenantId, Func<SmartbisDb, Task<T>> work, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
            var db = scope.ServiceProvider.GetRequiredService<SmartbisDb>();
            try
            {
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                var result = await work(db);
                await tx.CommitAsync(ct);
                return result;
            }
            catch (Exception e) when (attempt < MaxAttempts && IsRetryable(e))
            {
                log.LogInformation("Ledger unit retried after {SqlState} (attempt {Attempt})", (Unwrap(e) as PostgresException)?.SqlState, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20) * attempt), ct);
            }
        }
    }

    private static Exception Unwrap(Exception e) => e is Microsoft.EntityFrameworkCore.DbUpdateException { InnerException: { } inner } ? inner : e;

    public static bool IsRetryable(Exception e) => Unwrap(e) is PostgresException
    {
        SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.UniqueViolation
    };
}
