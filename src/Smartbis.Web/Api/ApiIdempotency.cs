using System.Data;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Api;

/// <summary>
/// The Idempotency-Key header of every POST (docs/api.md, "Idempotency"):
/// - required, 1–255 printable ASCII characters, scoped to the tenant; stored as "api:" + key (keys longer than
///   251 characters as "api:sha256:" + their hash), so an API key never collides with a counter's key;
/// - requests with the same key run one at a time (a PostgreSQL advisory lock on tenant + key): a request that
///   finds its key in flight waits up to Smartbis:Api:InFlightWaitSeconds (default 10 s) for the first to
///   finish and then replays its result; past that bound it gets 409 and should retry later;
/// - the operations themselves store the first result in idempotency_records in their own transaction
///   (a replay returns it with Idempotent-Replayed: true; the same key with a different request → 422).
/// </summary>
public sealed class ApiIdempotency(SmartbisDb db, TenantContext tenant, IConfiguration config)
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>The header's key, validated (400 when missing or malformed), as stored.</summary>
    public static string StorageKey(HttpContext http)
    {
        var values = http.Request.Headers[Header];
        var key = values.Count == 1 ? values[0] : null;
        // Blank is missing: "   " would otherwise be one key shared by every careless client.
        if (string.IsNullOrWhiteSpace(key))
            throw new ApiProblem(400, "idempotency_key_missing", "Every POST needs an Idempotency-Key header (1–255 printable characters), e.g. a UUID.",
                new Dictionary<string, string[]> { [Header] = ["Required."] });
        if (key.Length > 255 || !key.All(c => c is >= ' ' and <= '~'))
            throw new ApiProblem(400, "idempotency_key_invalid", "The Idempotency-Key must be 1 to 255 printable ASCII characters.",
                new Dictionary<string, string[]> { [Header] = ["1 to 255 printable ASCII characters."] });
        return key.Length <= 251 ? "api:" + key : "api:sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }

    /// <summary>Runs <paramref name="work"/> while holding the key; 409 when another request holds it past the bound.</summary>
    public async Task<T> ExclusiveAsync<T>(string storageKey, Func<Task<T>> work, CancellationToken ct)
    {
        var wait = InFlightWait.TotalSeconds;
        var lockId = LockId(tenant.Require(), storageKey);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var opened = connection.State != ConnectionState.Open;
        if (opened) await connection.OpenAsync(ct);
        try
        {
            try
            {
                await using var cmd = new NpgsqlCommand($"SET lock_timeout = {(int)(wait * 1000)}; SELECT pg_advisory_lock(@id);", connection);
                cmd.Parameters.AddWithValue("id", lockId);
                await cmd.ExecuteNonQueryAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
            {
                throw new ApiProblem(409, "idempotency_key_in_flight",
                    "A request with this Idempotency-Key is still being processed. Retry in a few seconds with the same key to get its result.");
            }
            try
            {
                return await work();
            }
            finally
            {
                await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@id); RESET lock_timeout;", connection);
                unlock.Parameters.AddWithValue("id", lockId);
                await unlock.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
        finally
        {
            if (opened) await connection.CloseAsync();
        }
    }

    public static long LockId(Guid tenantId, string storageKey) => Idempotency.LockId(tenantId, storageKey);

    /// <summary>How long a request waits for another in flight with the same key (Smartbis:Api:InFlightWaitSeconds).</summary>
    public TimeSpan InFlightWait => TimeSpan.FromSeconds(config.GetValue("Smartbis:Api:InFlightWaitSeconds", 10.0));

    /// <summary>
    /// For an operation that keeps no idempotency record of its own (joining): the stored response under this key,
    /// null when the key is new; the same key used for another request → 422. Call inside <see cref="ExclusiveAsync"/>.
    /// </summary>
    public async Task<T?> FindAsync<T>(string storageKey, string operation, string requestHash, CancellationToken ct) where T : class
    {
        var existing = await db.IdempotencyRecords.AsNoTracking().SingleOrDefaultAsync(r => r.Key == storageKey, ct);
        if (existing is null) return null;
        if (existing.Operation != operation || existing.RequestHash != requestHash || existing.Response is null)
            throw new Infrastructure.OperationFailed("idempotency_key_reused",
                "This idempotency key was already used for a different request. Use a new key for a new request.", "idempotencyKey");
        return existing.Response.Deserialize<T>(ApiJson.Options);
    }

    public async Task SaveAsync<T>(string storageKey, string operation, string requestHash, T response, int status, DateTimeOffset now, CancellationToken ct)
    {
        db.IdempotencyRecords.Add(new IdempotencyRecord
        {
            Key = storageKey, Operation = operation, RequestHash = requestHash, StatusCode = status, CreatedAt = now,
            Response = JsonSerializer.SerializeToDocument(response, ApiJson.Options),
        });
        await db.SaveChangesAsync(ct);
    }

    public static string Hash(object request) =>
        Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, request.GetType(), ApiJson.Options)));

    public static void MarkReplayed(HttpContext http, bool replayed)
    {
        if (replayed) http.Response.Headers[ReplayedHeader] = "true";
    }
}
