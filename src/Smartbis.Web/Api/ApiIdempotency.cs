using Smartbis.Web.Features.Ledger;

namespace Smartbis.Web.Api;

/// <summary>
/// The Idempotency-Key header of every POST (docs/api.md, "Idempotency"): required, 1–255 printable ASCII characters,
/// scoped to the tenant. The operations claim it in their own transaction through the one mechanism of every retried
/// write (Features/Ledger/Idempotency.cs, LedgerUnit.RunOnceAsync) in the "api" namespace, so an API key never meets a
/// counter's: a request that finds its key in flight waits up to Smartbis:Idempotency:InFlightWaitSeconds (default
/// 10 s) for the first to finish and then replays its result; past that bound it gets 409 and should retry later;
/// a replay answers with Idempotent-Replayed: true; the same key with a different request → 422.
/// </summary>
public static class ApiIdempotency
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    /// <summary>The namespace of API keys in idempotency_records.</summary>
    public const string Source = "api";

    /// <summary>The header's key, validated (400 when missing or malformed).</summary>
    public static string Key(HttpContext http)
    {
        var values = http.Request.Headers[Header];
        var key = values.Count == 1 ? values[0] : null;
        // Blank is missing: "   " would otherwise be one key shared by every careless client.
        if (string.IsNullOrWhiteSpace(key))
            throw new ApiProblem(400, "idempotency_key_missing", "Every POST needs an Idempotency-Key header (1–255 printable characters), e.g. a UUID.",
                new Dictionary<string, string[]> { [Header] = ["Required."] });
        if (key.Length > Idempotency.MaxKeyLength || !key.All(c => c is >= ' ' and <= '~'))
            throw new ApiProblem(400, "idempotency_key_invalid", "The Idempotency-Key must be 1 to 255 printable ASCII characters.",
                new Dictionary<string, string[]> { [Header] = ["1 to 255 printable ASCII characters."] });
        return key;
    }

    public static void MarkReplayed(HttpContext http, bool replayed)
    {
        if (replayed) http.Response.Headers[ReplayedHeader] = "true";
    }
}
