using System.Collections.Concurrent;
using System.Globalization;

namespace Smartbis.Web.Api;

/// <summary>
/// Per API key token bucket: Smartbis:Api:RateLimit:Burst requests at once, refilled at PerSecond; beyond it 429 with
/// Retry-After. Counted per web node (in memory). Time comes from the injected clock, so the refill is testable
/// without waiting on the wall clock.
/// </summary>
public sealed class ApiRateLimit(IConfiguration config, TimeProvider clock)
{
    private readonly double burst = config.GetValue("Smartbis:Api:RateLimit:Burst", 200);
    private readonly double perSecond = Math.Max(0.001, config.GetValue("Smartbis:Api:RateLimit:PerSecond", 50.0));
    private readonly ConcurrentDictionary<string, Bucket> buckets = new();

    private sealed class Bucket(double tokens, DateTimeOffset at)
    {
        public double Tokens = tokens;
        public DateTimeOffset At = at;
    }

    /// <summary>Takes one token from the key's bucket; false (and how long until one is back) when it is empty.</summary>
    public bool TryAcquire(string key, out TimeSpan retryAfter)
    {
        var now = clock.GetUtcNow();
        var bucket = buckets.GetOrAdd(key, _ => new Bucket(burst, now));
        lock (bucket)
        {
            var elapsed = Math.Max(0, (now - bucket.At).TotalSeconds);
            bucket.Tokens = Math.Min(burst, bucket.Tokens + elapsed * perSecond);
            bucket.At = now;
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                retryAfter = TimeSpan.Zero;
                return true;
            }
            retryAfter = TimeSpan.FromSeconds((1 - bucket.Tokens) / perSecond);
            return false;
        }
    }

    public sealed class Filter(ApiRateLimit limits) : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext ctx, EndpointFilterDelegate next)
        {
            var http = ctx.HttpContext;
            if (!limits.TryAcquire(ApiCaller.KeyId(http).ToString(), out var after))
            {
                var retry = Math.Max(1, (int)Math.Ceiling(after.TotalSeconds));
                http.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
                throw new ApiProblem(429, "rate_limited", $"Too many requests for this API key. Retry after {retry} s.");
            }
            return await next(ctx);
        }
    }
}
