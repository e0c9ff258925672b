using System.Net;
using Smartbis.Tests.Infrastructure;

namespace Smartbis.Tests.Security;

/// <summary>A small per-key rate limit, on the app with the test clock (the bucket refills as the test advances it).</summary>
public sealed class RateLimitedFixture : LedgerFixture
{
    protected override void ConfigureSettings(IDictionary<string, string?> settings)
    {
        base.ConfigureSettings(settings);
        settings["Smartbis:Api:RateLimit:Burst"] = "4";
        settings["Smartbis:Api:RateLimit:PerSecond"] = "1";
    }
}

/// <summary>
/// The API's per-key rate limit answers 429 problem+json with Retry-After, for writes as for reads, and a refused
/// write records nothing. (Counted per web node; see docs/reliability.md.)
/// </summary>
public sealed class ApiRateLimitTests(RateLimitedFixture fixture) : IClassFixture<RateLimitedFixture>
{
    [Fact]
    public async Task Writes_beyond_the_limit_get_429_with_Retry_After_and_record_nothing()
    {
        var t = await SecurityKit.SeedAsync(fixture, "ratelimit");
        var api = Api.ApiKit.ApiClient(fixture, t.ApiKey);
        int Purchases() { using var s = fixture.CreateScope(t.Id); return s.Db.Purchases.Count(); }
        var before = Purchases();

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 10; i++)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/purchases")
            {
                Content = new StringContent(SecurityKit.Json(new { customer = new { id = t.CustomerId }, amountCents = 10_00, receiptNumber = $"RL-{i}" }),
                    System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("Idempotency-Key", $"rl-{i}-{Guid.NewGuid():N}");
            responses.Add(await api.SendAsync(request));
        }

        var created = responses.Count(r => r.StatusCode == HttpStatusCode.Created);
        var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        (created + limited.Count).Should().Be(10, "every answer is either recorded or rate limited: {0}", string.Join(",", responses.Select(r => (int)r.StatusCode)));
        limited.Should().NotBeEmpty("a burst of 4 at 1 per second cannot take 10 writes at once");
        foreach (var r in limited)
        {
            r.Headers.RetryAfter?.Delta.Should().NotBeNull().And.BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1));
            r.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
            (await r.Content.ReadAsStringAsync()).Should().Contain("\"status\":429");
        }
        Purchases().Should().Be(before + created, "a rate-limited write records nothing");

        (await api.GetAsync("/api/v1/program")).StatusCode.Should().Be(HttpStatusCode.TooManyRequests, "the bucket refills with time, not with requests");
        fixture.Clock.Advance(limited[0].Headers.RetryAfter!.Delta!.Value);
        (await api.GetAsync("/api/v1/program")).StatusCode.Should().Be(HttpStatusCode.OK, "after Retry-After the key may call again");
    }
}
