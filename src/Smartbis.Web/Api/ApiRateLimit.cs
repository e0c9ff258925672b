using System.Globalization;
using System.Threading.RateLimiting;

namespace Smartbis.Web.Api;

/// <summary>
/// Per API key token bucket (Smartbis:Api:RateLimit:Burst requests at once, PerSecond refilled each second);
/// beyond it 429 with Retry-After. Counted per web node (in memory).
/// </summary>
public sealed class ApiRateLimit : IDisposable
{
    private readonly PartitionedRateLimiter<string> limiter;

    public ApiRateLimit(IConfiguration config)
    {
        var burst = config.GetValue("Smartbis:Api:RateLimit:Burst", 200);
        var perSecond = config.GetValue("Smartbis:Api:RateLimit:PerSecond", 50);
        limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ =>
            new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst, TokensPerPeriod = perSecond, ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0, AutoReplenishment = true,
            }));
    }

    public void Dispose() => limiter.Dispose();

    public sealed class Filter(ApiRateLimit limits) : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext ctx, EndpointFilterDelegate next)
        {
            var http = ctx.HttpContext;
            using var lease = limits.limiter.AttemptAcquire(ApiCaller.KeyId(http).ToString());
            if (!lease.IsAcquired)
            {
                var retry = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 1;
                http.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
                throw new ApiProblem(429, "rate_limited", $"Too many requests for this API key. Retry after {retry} s.");
            }
            return await next(ctx);
        }
    }
}
