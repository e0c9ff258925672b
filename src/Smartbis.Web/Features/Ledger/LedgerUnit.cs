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
    /// <para>
    /// The first attempt is optimistic: it does the work and claims the key in the work's last batch, with the result
    /// (one round trip and two statements fewer than claiming first). Every lock wait of that transaction is bounded by
    /// <see cref="InFlightWait"/>. Whatever else happens to it — the key is taken (a replay, a reuse, a request in flight),
    /// a refusal, a lock wait past the bound, a race — it rolls back whole and the unit runs again as it always did:
    /// claiming first, so a replay, a refusal and its counted attempt behave exactly as before. Nothing of a rolled-back
    /// attempt is kept (after-commit work runs only after a commit).
    /// </para>
    /// </summary>
    public async Task<Idempotent<T>> RunOnceAsync<T>(Guid tenantId, IdempotentWrite write, TimeProvider clock,
        Func<SmartbisDb, DateTimeOffset, Task<T>> work, CancellationToken ct = default)
        where T : class
    {
        try
        {
            return await AttemptAsync(tenantId, async db =>
            {
                // A replay fails this attempt's last batch on the key's unique index, as designed: EF's error events of
                // the attempt are not logged (the commit and after-commit work, outside this lambda, are not in the trial).
                using var trial = Logging.TrialOfDatabaseWork();
                db.Database.AutoSavepointsEnabled = false;
                db.TransactionLockTimeout = InFlightWait;
                var now = clock.GetUtcNow();
                await Operations.Suspension.EnsureActiveAsync(db, tenantId, ct);
                var result = await work(db, now);
                Idempotency.ClaimWithResult(db, write, now, result);
                await db.SaveChangesAsync(ct); // the key, the result and whatever the work left unsaved: one batch
                return new Idempotent<T>(result, false);
            }, ct);
        }
        catch (Exception e) when (e is OperationFailed || IsRetryable(e) || Unwrap(e) is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable })
        {
            log.LogDebug("Idempotent unit runs again claiming first ({Reason})", (Unwrap(e) as PostgresException)?.SqlState ?? (e as OperationFailed)?.Code);
        }
        return await RunAsync(tenantId, async db =>
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
    }

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
            try
            {
                return await AttemptAsync(tenantId, work, ct);
            }
            catch (Exception e) when (attempt < MaxAttempts && IsRetryable(e))
            {
                log.LogInformation("Ledger unit retried after {SqlState} (attempt {Attempt})", (Unwrap(e) as PostgresException)?.SqlState, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20) * attempt), ct);
            }
        }
    }

    /// <summary>One attempt: a fresh scope and context for the tenant, one transaction, committed when the work returns.</summary>
    private async Task<T> AttemptAsync<T>(Guid tenantId, Func<SmartbisDb, Task<T>> work, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<SmartbisDb>();
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

    /// <summary>Carries a refusal out of the work so that the unit commits before it is thrown to the caller.</summary>
    private sealed class CommitThenThrow(OperationFailed refusal) : Exception(refusal.Message)
    {
        public OperationFailed Refusal { get; } = refusal;
    }

    // The database's own error under EF's wrappers: a DbUpdateException, and around it the InvalidOperationException
    // ("likely due to a transient failure") with which EF's execution strategy wraps a deadlock or a lock timeout.
    private static Exception Unwrap(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x is PostgresException) return x;
        return e;
    }

    public static bool IsRetryable(Exception e) => Unwrap(e) is PostgresException
    {
        SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.UniqueViolation
    };
}
