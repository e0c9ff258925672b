using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;

namespace Smartbis.Tests.Api;

/// <summary>An app with tight limits: a 1-second in-flight bound and a small per-key rate limit.</summary>
public sealed class TightApiFixture : LedgerFixture
{
    protected override void ConfigureSettings(IDictionary<string, string?> settings)
    {
        settings["Smartbis:Api:InFlightWaitSeconds"] = "1";
        settings["Smartbis:Api:RateLimit:Burst"] = "5";
        settings["Smartbis:Api:RateLimit:PerSecond"] = "1";
    }
}

public sealed class ApiLimitsTests(TightApiFixture fixture) : IClassFixture<TightApiFixture>
{
    private LedgerFixture Fixture => fixture;

    [Fact]
    public async Task Requests_beyond_the_keys_rate_limit_get_429_with_retry_after_and_other_keys_are_not_affected()
    {
        var t = await fixture.CreateTenantAsync(SampleRules.Plain());
        var api = Fixture.ApiClient(await t.CreateKeyAsync());
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 12 && limited is null; i++)
        {
            var r = await api.GetAsync("/api/v1/program");
            statuses.Add(r.StatusCode);
            if (r.StatusCode == HttpStatusCode.TooManyRequests) limited = r;
        }
        limited.Should().NotBeNull("a burst of 5 must be limited; got {0}", string.Join(",", statuses));
        await limited!.ProblemAsync(HttpStatusCode.TooManyRequests);
        limited!.Headers.RetryAfter.Should().NotBeNull();
        limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds.Should().BeGreaterThanOrEqualTo(1);
        (await Fixture.ApiClient(await t.CreateKeyAsync(name: "other")).GetAsync("/api/v1/program")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_same_key_while_the_first_request_is_in_flight_past_the_bound_is_409()
    {
        var t = await fixture.CreateTenantAsync(SampleRules.Plain());
        var api = Fixture.ApiClient(await t.CreateKeyAsync(t.StoreId));
        var customer = await t.EnrollAsync();
        // Hold the key as a first request in flight would: its claim inserted by a transaction that has not committed yet
        // (longer than the app's bound, set to 1 s for this class).
        await using var db = Fixture.OpenDb(t.Id);
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO idempotency_records (tenant_id, key, operation, request_hash, status_code, created_at) VALUES ({0}, {1}, 'record_purchase', 'x', 0, now())",
                t.Id, Smartbis.Web.Features.Ledger.Idempotency.StorageKey("api", "in-flight-1"));
            var p = await (await api.PostJsonAsync("/api/v1/purchases", new { customer = new { id = customer }, amountCents = 10_00, receiptNumber = "F-1" }, "in-flight-1"))
                .ProblemAsync(HttpStatusCode.Conflict);
            p.GetProperty("code").GetString().Should().Be("idempotency_key_in_flight");
            await tx.RollbackAsync();
        }
        (await api.PostJsonAsync("/api/v1/purchases", new { customer = new { id = customer }, amountCents = 10_00, receiptNumber = "F-1" }, "in-flight-1"))
            .StatusCode.Should().Be(HttpStatusCode.Created, "once the first is done the key is free");
    }
}
