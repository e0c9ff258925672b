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

    public static Task CompleteAsync<T>(SmartbisDb db, string key, T response, int statusCode, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(response, JsonSerializerOptions.Web);
        var tenantId = db.Tenant.Require();
        return db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE idempotency_records SET response = {json}::jsonb, status_code = {statusCode} WHERE tenant_id = {tenantId} AND key = {key}", ct);
    }
}
