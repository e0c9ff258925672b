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
/// Claims an idempotency key inside the operation's transaction. A concurrent request with the same key
/// waits on the unique index until the first commits, then gets its result; the same key with another
/// request is refused.
/// </summary>
public static class Idempotency
{
    public const int MaxKeyLength = 255;

    public static string Hash(object request) =>
        Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, request.GetType(), JsonSerializerOptions.Web)));

    public static void ValidateKey(string? key, Validation v)
    {
        v.Check(!string.IsNullOrWhiteSpace(key), "idempotencyKey", "An idempotency key is required.");
        v.Check(key is null || (key.Length <= MaxKeyLength && key.All(c => c is >= ' ' and <= '~')),
            "idempotencyKey", "The idempotency key must be 1 to 255 printable ASCII characters.");
    }

    /// <summary>The advisory lock of a key in a tenant (shared by the API's session lock and <see cref="LockAsync"/>).</summary>
    public static long LockId(Guid tenantId, string key) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"{tenantId}:{key}")), 0);

    /// <summary>
    /// Holds the key for the rest of the transaction (pg_advisory_xact_lock), waiting at most <paramref name="wait"/> for
    /// a request in flight with the same key; past that, 409 idempotency_key_in_flight. Same round trip, same connection
    /// as the operation: no session lock to release, nothing left behind if the connection dies.
    /// </summary>
    public static async Task LockAsync(SmartbisDb db, string key, TimeSpan wait, CancellationToken ct)
    {
        var lockId = LockId(db.Tenant.Require(), key);
        var timeoutMs = Math.Max(1, (int)wait.TotalMilliseconds);
        try
        {
            // Transaction-local timeout, reset right after: only this wait is bounded, not the account lock that follows.
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"SELECT set_config('lock_timeout', {timeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture)}, true); SELECT pg_advisory_xact_lock({lockId}); SET LOCAL lock_timeout TO DEFAULT;", ct);
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.LockNotAvailable)
        {
            throw new OperationFailed("idempotency_key_in_flight",
                "A request with this Idempotency-Key is still being processed. Retry in a few seconds with the same key to get its result.", "idempotencyKey", 409);
        }
    }

    /// <summary>Returns the stored result when the key was already used for the same request; null when this call owns the key.</summary>
    public static async Task<T?> ClaimAsync<T>(SmartbisDb db, string key, string operation, string requestHash, DateTimeOffset now, CancellationToken ct)
        where T : class
    {
        var tenantId = db.Tenant.Require();
        var inserted = await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
             INSERT INTO idempotency_records (tenant_id, key, operation, request_hash, status_code, created_at)
             VALUES ({tenantId}, {key}, {operation}, {requestHash}, 0, {now})
             ON CONFLICT (tenant_id, key) DO NOTHING
             """, ct);
        if (inserted == 1) return null;

        var existing = await db.IdempotencyRecords.AsNoTracking().SingleAsync(r => r.Key == key, ct);
        if (existing.Operation != operation || existing.RequestHash != requestHash)
            throw new OperationFailed("idempotency_key_reused",
                "This idempotency key was already used for a different request. Use a new key for a new request.", "idempotencyKey");
        return existing.Response?.Deserialize<T>(JsonSerializerOptions.Web)
               ?? throw new InvalidOperationException($"Idempotency record {key} has no stored response.");
    }

    /// <summary>
    /// Stores the result under the claimed key with the operation's own SaveChanges (one batch with its rows, no extra
    /// round trip): the claimed row is attached and only its response and status are written.
    /// </summary>
    public static void Complete<T>(SmartbisDb db, string key, string operation, string requestHash, T response, int statusCode)
    {
        var record = new IdempotencyRecord { TenantId = db.Tenant.Require(), Key = key, Operation = operation, RequestHash = requestHash };
        var entry = db.IdempotencyRecords.Attach(record);
        record.Response = JsonSerializer.SerializeToDocument(response, JsonSerializerOptions.Web);
        record.StatusCode = statusCode;
        entry.Property(r => r.Response).IsModified = true;
        entry.Property(r => r.StatusCode).IsModified = true;
    }

    public static Task CompleteAsync<T>(SmartbisDb db, string key, T response, int statusCode, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(response, JsonSerializerOptions.Web);
        var tenantId = db.Tenant.Require();
        return db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE idempotency_records SET response = {json}::jsonb, status_code = {statusCode} WHERE tenant_id = {tenantId} AND key = {key}", ct);
    }
}
