using Npgsql;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Ledger;

/// <summary>
/// Runs one write as one database transaction in a fresh scope (fresh DbContext, one pooled connection) for the tenant.
/// Serialization failures, deadlocks and unique-key races are retried as a whole unit: the retry re-reads
/// everything, so it sees what the winner wrote (the existing customer, the receipt, the idempotency key).
/// </summary>
public sealed class LedgerUnit(IServiceScopeFactory scopes, IConfiguration config, ILogger<LedgerUnit> log)
{
    private const int MaxAttempts = 6;

    /// <summary>How long a write waits for another in flight with the same idempotency key (Smartbis:Idempotency:InFlightWaitSeconds, default 10 s).</summary>
    public TimeSpan InFlightWait => TimeSpan.FromSeconds(
        config.GetValue<double?>("Smartbis:Idempotency:InFlightWaitSeconds") ?? config.GetValue("Smartbis:Api:InFlightWaitSeconds", 10.0));

    /// <summary>
    /// The one shape of every retried write: claim the key, do the work (fraud gate, ledger, audit, flags), store the
    /// result under the key, commit — all in one transaction. A replay returns the first result without doing the work.
    /// <paramref name="work"/> receives the DbContext and a reading of the operation's clock taken at each attempt; it may
    /// save as it goes (same transaction).
    /// </summary>
    public Task<Idempotent<T>> RunOnceAsync<T>(Guid tenantId, IdempotentWrite write, TimeProvider clock,
        Func<SmartbisDb, DateTimeOffset, Task<T>> work, CancellationToken ct = default)
        where T : class =>
        RunAsync(tenantId, async db =>
        {
            // A failed save fails the whole unit (which retries from scratch): no savepoint around each SaveChanges (two round trips).
            db.Database.AutoSavepointsEnabled = false;
            var now = clock.GetUtcNow();
            var replay = await Idempotency.ClaimAsync<T>(db, write, now, InFlightWait, ct);
            if (replay is not null) return new Idempotent<T>(replay, true);
            // The one gate of a suspended tenant: a new recording is refused (a replay above still answers its first result).
            await Operations.Suspension.EnsureActiveAsync(db, tenantId, ct);
            T result;
            try
            {
                result = await work(db, now);
            }
            catch (OperationFailed e) when (e.CommitsAttempt)
            {
                // Keep the counted attempt (its limit must hold), give the key back for the corrected request.
                await Idempotency.ReleaseAsync(db, write, ct);
                await db.SaveChangesAsync(ct);
                throw new CommitThenThrow(e);
            }
            Idempotency.Complete(db, write, result);
            await db.SaveChangesAsync(ct); // one batch with whatever the work left unsaved
            return new Idempotent<T>(result, false);
        }, ct);

    /// <summary>
    /// A recording without an idempotency key (the portal's join, an import, a voucher cancelled): one unit like
    /// <see cref="RunAsync{T}"/>, refused while the tenant is suspended (<see cref="Operations.Suspension"/>).
    /// </summary>
    public Task<T> RecordAsync<T>(Guid tenantId, Func<SmartbisDb, Task<T>> work, CancellationToken ct = default) =>
        RunAsync(tenantId, async db =>
        {
            await Operations.Suspension.EnsureActiveAsync(db, tenantId, ct);
            return await work(db);
        }, ct);

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
                try
                {
                    var result = await work(db);
                    await tx.CommitAsync(ct);
                    db.RunAfterCommit(scope.ServiceProvider);
                    return result;
                }
                catch (CommitThenThrow refused)
                {
                    await tx.CommitAsync(ct);
                    throw refused.Refusal;
                }
            }
            catch (Exception e) when (attempt < MaxAttempts && IsRetryable(e))
            {
                log.LogInformation("Ledger unit retried after {SqlState} (attempt {Attempt})", (Unwrap(e) as PostgresException)?.SqlState, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20) * attempt), ct);
            }
        }
    }

    /// <summary>Carries a refusal out of the work so that the unit commits before it is thrown to the caller.</summary>
    private sealed class CommitThenThrow(OperationFailed refusal) : Exception(refusal.Message)
    {
        public OperationFailed Refusal { get; } = refusal;
    }

    private static Exception Unwrap(Exception e) => e is Microsoft.EntityFrameworkCore.DbUpdateException { InnerException: { } inner } ? inner : e;

    public static bool IsRetryable(Exception e) => Unwrap(e) is PostgresException
    {
        SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.UniqueViolation
    };
}
