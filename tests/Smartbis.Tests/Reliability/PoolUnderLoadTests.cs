using System.Collections.Concurrent;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Smartbis.Tests.Api;
using Smartbis.Tests.Infrastructure;
using Smartbis.Tests.Tenancy;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Integrations;
using Smartbis.Web.Features.Programs;

namespace Smartbis.Tests.Reliability;

/// <summary>The app as configured in production: a pool of 8 set by Smartbis:Database:MaxPoolSize (the connection string states none).</summary>
public sealed class SmallPoolFixture : DatabaseFixture
{
    public const int Pool = 8;

    protected override void ConfigureSettings(IDictionary<string, string?> settings) =>
        settings["Smartbis:Database:MaxPoolSize"] = Pool.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Issue 14, item 2, the reported storm: 200 parallel POST /api/v1/purchases with one API key. With Npgsql's default pool
/// (100, PostgreSQL's max_connections) many answered 500 (53300). With a small pool the requests queue for a connection:
/// every one is recorded (or, at worst, refused with 503 + Retry-After, never 500), and the app never holds more backends
/// than its pool.
/// </summary>
public sealed class PoolUnderLoadTests(SmallPoolFixture fixture) : IClassFixture<SmallPoolFixture>
{
    [Fact]
    public async Task Two_hundred_parallel_purchases_on_one_key_queue_for_a_small_pool_and_none_is_a_500()
    {
        var t = await TenantKit.CreateAsync(fixture.Factory, "storm-pool");
        string key;
        Guid customer;
        await using (var scope = fixture.CreateScope(t.Id))
        {
            await scope.Get<SaveProgramRules>().ExecuteAsync(Features.SampleRules.Plain(), null, DateTimeOffset.UtcNow.AddDays(-1));
            key = (await scope.Get<CreateApiKey>().ExecuteAsync(new CreateApiKey.Request("POS", t.StoreId), AuditActor.System)).Key;
            customer = (await scope.Get<EnrollCustomer>().ExecuteAsync(new EnrollCustomer.Request("Storm", Features.LedgerTestKit.NewPhone(), null))).CustomerId;
        }
        var client = fixture.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);

        // Watch the app role's backends on this database while the storm runs.
        var database = new NpgsqlConnectionStringBuilder(fixture.ConnectionString).Database!;
        using var stop = new CancellationTokenSource();
        var most = 0;
        var watcher = Task.Run(async () =>
        {
            await using var admin = new NpgsqlConnection(fixture.ConnectionString);
            await admin.OpenAsync();
            while (!stop.IsCancellationRequested)
            {
                await using var cmd = new NpgsqlCommand(
                    $"SELECT count(*) FROM pg_stat_activity WHERE datname = '{database}' AND usename = '{PostgresServer.AppRole}'", admin);
                most = Math.Max(most, Convert.ToInt32(await cmd.ExecuteScalarAsync()));
                await Task.Delay(5);
            }
        });

        var statuses = new ConcurrentBag<(HttpStatusCode Status, string Receipt, bool RetryAfter, string Body)>();
        using var start = new SemaphoreSlim(0);
        var requests = Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            await start.WaitAsync();
            var receipt = $"S-{i:000}";
            using var response = await client.PostJsonAsync("/api/v1/purchases",
                new { customer = new { id = customer }, amountCents = 10_00 + i, receiptNumber = receipt }, $"storm-{i}");
            statuses.Add((response.StatusCode, receipt, response.Headers.RetryAfter is not null, await response.Content.ReadAsStringAsync()));
        })).ToList();
        start.Release(200);
        await Task.WhenAll(requests);
        await stop.CancelAsync();
        await watcher;

        var fiveHundreds = statuses.Where(s => (int)s.Status >= 500 && s.Status != HttpStatusCode.ServiceUnavailable).ToList();
        fiveHundreds.Should().BeEmpty("no request may fail with a 5xx other than 503: {0}", string.Join("\n", fiveHundreds.Take(3).Select(s => s.Body)));
        statuses.Where(s => s.Status == HttpStatusCode.ServiceUnavailable).All(s => s.RetryAfter).Should().BeTrue("a 503 says when to retry");
        var created = statuses.Where(s => s.Status == HttpStatusCode.Created).Select(s => s.Receipt).ToList();
        created.Count.Should().BeGreaterThan(150, "a small pool queues requests; it does not refuse most of them: {0}",
            string.Join(", ", statuses.GroupBy(s => s.Status).Select(g => $"{g.Key} × {g.Count()}")));
        var stored = await fixture.Factory.CreateScope(t.Id).Db.Purchases.Select(p => p.ReceiptNumber!).ToListAsync();
        stored.Should().BeEquivalentTo(created, "every acknowledged purchase is recorded once, and nothing else");
        var pools = fixture.Factory.Services.GetRequiredService<PoolSizes>();
        pools.App.Should().Be(SmallPoolFixture.Pool);
        most.Should().BeInRange(1, pools.App + pools.Jobs,
            "the app never holds more backends than its pool plus Hangfire's (which enqueues the purchases' jobs)");
    }
}
