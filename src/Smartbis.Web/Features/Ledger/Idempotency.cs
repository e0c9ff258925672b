using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Ledger;

/// <summary>The result of a write that may have been a replay of an earlier one with the same key.</summary>
public sealed record Idempotent<T>(T Value, bool Replayed);

/// <summary>
/// What makes a write happen once: the caller's key (a form's hidden key, the API's Idempotency-Key header, a job's
/// natural key such as "birthday:{customer}:{year}"), where it came from, the operation and a hash of the request.
/// </summary>
/// <param name="Source">Who chose the key ("api", "counter", "app", "job", "portal"): keys of different sources never meet.</param>
/// <param name="Status">The status the first result is stored with (201 for a creation, 200 otherwise).</param>
public sealed record IdempotentWrite(string Source, string Key, string Operation, string RequestHash, int Status = 200)
{
    /// <summary>How the key is stored: the source and the SHA-256 of the key, so no two distinct keys can ever be stored alike.</summary>
    public string StoredKey => Idempotency.StorageKey(Source, Key);
}

/// <summary>
/// The one idempotency mechanism of every retried write (counter, dashboard, API, jobs), used through
/// <see cref="LedgerUnit.RunOnceAsync{T}"/>: the key is claimed inside the write's own transaction (a row of
/// idempotency_records, unique per tenant and key); a concurrent request with the same key waits on that unique
/// index, at most a bounded time (then 409 idempotency_key_in_flight), until the first commits, and then gets the
/// first result; the same key with another request is refused (422 idempotency_key_reused). The result is stored
/// by the write's own SaveChanges, so the write and its key commit together or not at all. A unit's first attempt
/// claims in that SaveChanges (<see cref="ClaimWithResult{T}"/>, one round trip less); any other outcome of it runs
/// the unit again, claiming first (<see cref="ClaimAsync{T}"/>).
/// </summary>
public static class Idempotency
{
    public const int MaxKeyLength = 255;

    public static string Hash(object request) =>
        Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, request.GetType(), JsonSerializerOptions.Web)));

    /// <summary>
    /// "source:" + the lowercase hex SHA-256 of the key (69–76 characters): any key of 1–255 characters, and no key can be
    /// typed to look like another's stored form (a key used to be stored as typed, and one over the limit as
    /// "api:sha256:&lt;hash&gt;", which the literal key "sha256:&lt;hash&gt;" collided with).
    /// </summary>
    public static string StorageKey(string source, string key) =>
        source + ":" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static void ValidateKey(string? key, Validation v)
    {
        v.Check(!string.IsNullOrWhiteSpace(key), "idempotencyKey", "idempotency_key_required");
        v.Check(key is null || (key.Length <= MaxKeyLength && key.All(c => c is >= ' ' and <= '~')),
            "idempotencyKey", "idempotency_key_format");
    }

    /// <summary>
    /// <c>SET LOCAL lock_timeout</c> to <paramref name="wait"/>: whole milliseconds, at least 1 (0 would mean no bound),
    /// inlined because SET takes no parameter. The claim's wait and a unit's lock bound (<see cref="SmartbisDb.TransactionLockTimeout"/>).
    /// </summary>
    public static string LockTimeoutSql(TimeSpan wait) =>
        $"SET LOCAL lock_timeout = {Math.Max(1, (long)wait.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture)};";

    /// <summary>
    /// Claims the key in the current transaction: null when this call owns it, else the stored first result. Waits at
    /// most <paramref name="wait"/> for a transaction in flight with the same key (a transaction-local lock_timeout,
    /// reset in the same round trip, so only this wait is bounded).
    /// </summary>
    public static async Task<T?> ClaimAsync<T>(SmartbisDb db, IdempotentWrite w, DateTimeOffset now, TimeSpan wait, CancellationToken ct)
        where T : class
    {
        var tenantId = db.Tenant.Require();
        var key = w.StoredKey;
        int inserted;
        try
        {
            // Only the INSERT counts as rows affected (SET LOCAL is a utility statement). SET LOCAL, not set_config: on a
            // Citus cluster the wait happens on the worker that holds the tenant's shard, and only SET LOCAL reaches it
            // (docs/scaling.md). The timeout is an integer (milliseconds), inlined because SET takes no parameter.
            inserted = await db.Database.ExecuteSqlAsync(FormattableStringFactory.Create(
                LockTimeoutSql(wait) + "\n" +
                """
                 INSERT INTO idempotency_records (tenant_id, key, operation, request_hash, status_code, created_at)
                 VALUES ({0}, {1}, {2}, {3}, 0, {4})
                 ON CONFLICT (tenant_id, key) DO NOTHING;
                 SET LOCAL lock_timeout TO DEFAULT;
                 """, tenantId, key, w.Operation, w.RequestHash, now), ct);
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.LockNotAvailable)
        {
            throw new OperationFailed("idempotency_key_in_flight",
                "idempotency_key_in_flight",
                "idempotencyKey", 409);
        }
        if (inserted == 1) return null;

        var existing = await db.IdempotencyRecords.AsNoTracking().SingleAsync(r => r.Key == key, ct);
        if (existing.Operation != w.Operation || existing.RequestHash != w.RequestHash)
            throw new OperationFailed("idempotency_key_reused",
                "idempotency_key_reused", "idempotencyKey");
        return existing.Response?.Deserialize<T>(JsonSerializerOptions.Web)
               ?? throw new InvalidOperationException($"Idempotency record {key} has no stored response.");
    }

    /// <summary>
    /// Stores the result under the claimed key with the operation's own SaveChanges (one batch with its rows, no extra
    /// round trip): the claimed row is attached and only its response and status are written.
    /// </summary>
    public static void Complete<T>(SmartbisDb db, IdempotentWrite w, T response)
    {
        var record = new IdempotencyRecord { TenantId = db.Tenant.Require(), Key = w.StoredKey, Operation = w.Operation, RequestHash = w.RequestHash };
        var entry = db.IdempotencyRecords.Attach(record);
        record.Response = JsonSerializer.SerializeToDocument(response, JsonSerializerOptions.Web);
        record.StatusCode = w.Status;
        entry.Property(r => r.Response).IsModified = true;
        entry.Property(r => r.StatusCode).IsModified = true;
    }

    /// <summary>
    /// Claims the key and stores the result in one row, written by the operation's own SaveChanges (the first attempt of
    /// <see cref="LedgerUnit.RunOnceAsync{T}"/>): a key already stored or in flight fails that batch (unique violation, or
    /// the transaction's lock bound), the whole transaction rolls back, and the unit runs again claiming first.
    /// </summary>
    public static void ClaimWithResult<T>(SmartbisDb db, IdempotentWrite w, DateTimeOffset now, T response) =>
        db.IdempotencyRecords.Add(new IdempotencyRecord
        {
            TenantId = db.Tenant.Require(), Key = w.StoredKey, Operation = w.Operation, RequestHash = w.RequestHash,
            Response = JsonSerializer.SerializeToDocument(response, JsonSerializerOptions.Web), StatusCode = w.Status, CreatedAt = now,
        });

    /// <summary>Gives the claim back (a refused write that commits only its attempt counters): the key stays free for the corrected request.</summary>
    public static Task ReleaseAsync(SmartbisDb db, IdempotentWrite w, CancellationToken ct)
    {
        var tenantId = db.Tenant.Require();
        return db.Database.ExecuteSqlInterpolatedAsync(
            $"DELETE FROM idempotency_records WHERE tenant_id = {tenantId} AND key = {w.StoredKey} AND status_code = 0", ct);
    }
}
