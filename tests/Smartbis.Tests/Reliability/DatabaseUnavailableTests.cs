using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Smartbis.Tests.Api;
using Smartbis.Tests.Infrastructure;
using Smartbis.Tests.Tenancy;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Integrations;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Tests.Reliability;

/// <summary>
/// The app with a pool of ONE connection (Smartbis:Database:MaxPoolSize = 1, the connection string states no size) and a
/// 1-second wait for it (Timeout = 1), so that a test can take the only connection and see what a request gets when
/// none comes in time.
/// </summary>
public sealed class OneConnectionFixture : DatabaseFixture
{
    protected override void ConfigureSettings(IDictionary<string, string?> settings)
    {
        settings["ConnectionStrings:Smartbis"] = new NpgsqlConnectionStringBuilder(AppConnectionString) { Timeout = 1 }.ConnectionString;
        settings["Smartbis:Database:MaxPoolSize"] = "1";
    }
}

/// <summary>
/// Issue 14, item 2: when no database connection comes in time — the pool is exhausted (Npgsql's pool timeout), PostgreSQL
/// refuses a new backend (53300 too_many_connections), or the server refuses the TCP connection — the API answers
/// 503 problem+json with Retry-After (even when it happens in API-key authentication, before any endpoint), and pages answer
/// a 503 page with Retry-After. Never a 500.
/// </summary>
public sealed class DatabaseUnavailableTests(OneConnectionFixture fixture) : IClassFixture<OneConnectionFixture>
{
    private async Task<(TenantKit.TestTenant Tenant, string Key)> TenantWithKeyAsync(string slug)
    {
        var t = await TenantKit.CreateAsync(fixture.Factory, slug);
        await using var scope = fixture.CreateScope(t.Id);
        var key = (await scope.Get<CreateApiKey>().ExecuteAsync(new CreateApiKey.Request("POS", null), AuditActor.System)).Key;
        return (t, key);
    }

    private static HttpClient Client(WebApplicationFactory<Program> app, string? key)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static async Task AssertApi503Async(HttpResponseMessage response, string what)
    {
        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, what);
        response.Headers.RetryAfter?.Delta.Should().NotBeNull("{0}: a 503 says when to come back", what);
        response.Headers.RetryAfter!.Delta!.Value.TotalSeconds.Should().BeGreaterThanOrEqualTo(1);
        var p = await ApiErrorContractTests.ContractAsync(response, what);
        p.GetProperty("code").GetString().Should().Be("service_unavailable");
    }

    private static async Task AssertPage503Async(HttpResponseMessage response, string what)
    {
        var html = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, "{0}: {1}", what, html.Length > 400 ? html[..400] : html);
        response.Content.Headers.ContentType?.MediaType.Should().Be("text/html", what);
        response.Headers.RetryAfter?.Delta.Should().NotBeNull("{0}: a 503 page says when to come back", what);
        html.Should().Contain("503");
    }

    [Fact]
    public async Task With_the_pool_exhausted_the_API_and_pages_answer_503_with_retry_after_then_recover()
    {
        var (t, key) = await TenantWithKeyAsync("pool-one");
        var api = Client(fixture.Factory, key);
        (await api.GetAsync("/api/v1/program")).StatusCode.Should().NotBe(HttpStatusCode.ServiceUnavailable, "with the connection free the API answers");

        // Take the pool's only connection, as 100 busy requests would take a pool of 100.
        await using (var holder = fixture.CreateScope())
        {
            await holder.Db.Database.OpenConnectionAsync();
            // The key is in the node's configuration cache by now: a request meets the empty pool where it first needs the
            // database (a request refused by its own validation, which needs none, would be a 422 here).
            await AssertApi503Async(await api.GetAsync("/api/v1/program"), "GET /api/v1/program");
            await AssertApi503Async(await api.PostJsonAsync("/api/v1/purchases",
                new { storeId = t.StoreId, customer = new { phone = "+5511987650000" }, amountCents = 100, receiptNumber = "P-1" }), "POST /api/v1/purchases");
            await AssertPage503Async(await Client(fixture.Factory, null).GetAsync($"/{t.Slug}"), "the portal page");
            await holder.Db.Database.CloseConnectionAsync();
        }

        (await api.GetAsync("/api/v1/program")).StatusCode.Should().NotBe(HttpStatusCode.ServiceUnavailable, "once a connection is free again");
        ((int)(await Client(fixture.Factory, null).GetAsync($"/{t.Slug}")).StatusCode).Should().BeLessThan(500);
    }

    [Fact]
    public async Task When_PostgreSQL_refuses_new_connections_with_53300_the_answer_is_503_not_500()
    {
        var (t, key) = await TenantWithKeyAsync("too-many");
        var database = new NpgsqlConnectionStringBuilder(fixture.ConnectionString).Database!;
        // A pool of its own (another application name): it has no idle connection, so the next request must open one.
        await using var app = fixture.Factory.WithWebHostBuilder(b => b.UseSetting("ConnectionStrings:Smartbis",
            new NpgsqlConnectionStringBuilder(fixture.AppConnectionString) { Timeout = 3, ApplicationName = "too-many-test" }.ConnectionString));
        await fixture.Server.ExecuteAdminAsync($"ALTER DATABASE \"{database}\" CONNECTION LIMIT 0"); // the owner (superuser) is exempt
        try
        {
            // The same refusal, seen directly: PostgreSQL's 53300, which the app classifies as "no connection now".
            await using (var direct = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(fixture.AppConnectionString) { Pooling = false }.ConnectionString))
            {
                var refused = await FluentActions.Awaiting(() => direct.OpenAsync()).Should().ThrowAsync<PostgresException>();
                refused.Which.SqlState.Should().Be(PostgresErrorCodes.TooManyConnections);
                DatabaseUnavailable.Is(refused.Which).Should().BeTrue();
            }
            await AssertApi503Async(await Client(app, key).GetAsync("/api/v1/program"), "GET /api/v1/program");
            await AssertPage503Async(await Client(app, null).GetAsync($"/{t.Slug}"), "the portal page");
        }
        finally
        {
            await fixture.Server.ExecuteAdminAsync($"ALTER DATABASE \"{database}\" CONNECTION LIMIT -1");
        }
        (await Client(app, key).GetAsync("/api/v1/program")).StatusCode.Should().NotBe(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task When_the_server_refuses_the_connection_the_answer_is_503_not_500()
    {
        var (t, key) = await TenantWithKeyAsync("refused");
        var nobody = FreePort.Next(); // nothing listens there: connection refused
        await using var app = fixture.Factory.WithWebHostBuilder(b => b.UseSetting("ConnectionStrings:Smartbis",
            new NpgsqlConnectionStringBuilder(fixture.AppConnectionString) { Host = "127.0.0.1", Port = nobody, Timeout = 2 }.ConnectionString));
        await AssertApi503Async(await Client(app, key).GetAsync("/api/v1/program"), "GET /api/v1/program");
        await AssertApi503Async(await Client(app, key).GetAsync($"/api/v1/customers/{Guid.NewGuid()}/entries?limit=5"), "GET entries");
        await AssertPage503Async(await Client(app, null).GetAsync($"/{t.Slug}"), "the portal page");
    }

    [Fact]
    public void Only_connection_failures_count_as_the_database_being_unavailable()
    {
        static PostgresException Pg(string state) => new("message", "FATAL", "FATAL", state);
        DatabaseUnavailable.Is(Pg(PostgresErrorCodes.TooManyConnections)).Should().BeTrue("53300");
        DatabaseUnavailable.Is(Pg(PostgresErrorCodes.CannotConnectNow)).Should().BeTrue("57P03: the server is starting up");
        DatabaseUnavailable.Is(Pg(PostgresErrorCodes.AdminShutdown)).Should().BeTrue("57P01");
        DatabaseUnavailable.Is(Pg("08006")).Should().BeTrue("connection_failure");
        DatabaseUnavailable.Is(new NpgsqlException("The connection pool has been exhausted", new TimeoutException())).Should().BeTrue("Npgsql's pool timeout");
        DatabaseUnavailable.Is(new NpgsqlException("Exception while reading from stream", new IOException("broken"))).Should().BeTrue("a broken connection");
        DatabaseUnavailable.Is(new DbUpdateException("save failed", Pg(PostgresErrorCodes.TooManyConnections))).Should().BeTrue("wrapped by EF");
        DatabaseUnavailable.Is(new InvalidOperationException("transient", new NpgsqlException("x", new System.Net.Sockets.SocketException(111)))).Should().BeTrue();

        DatabaseUnavailable.Is(Pg(PostgresErrorCodes.UniqueViolation)).Should().BeFalse("a bug or a race is not an outage");
        DatabaseUnavailable.Is(Pg(PostgresErrorCodes.InvalidTextRepresentation)).Should().BeFalse();
        DatabaseUnavailable.Is(Pg(PostgresErrorCodes.SerializationFailure)).Should().BeFalse("retried by the ledger unit, not a 503");
        DatabaseUnavailable.Is(new InvalidOperationException("bug")).Should().BeFalse();
        DatabaseUnavailable.Is(new OverflowException()).Should().BeFalse();
    }

    [Fact]
    public void The_pool_is_small_by_default_and_sized_by_the_setting_unless_the_connection_string_states_it()
    {
        var none = new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build();
        var defaults = PoolSizes.From(none);
        defaults.App.Should().BeInRange(8, 32, "4 × cores, far below Npgsql's 100 (= PostgreSQL's default max_connections)");
        defaults.Jobs.Should().BeLessThan(100);
        new NpgsqlConnectionStringBuilder(SmartbisDbSetup.WithDefaults("Host=db;Username=app", defaults.App)).MaxPoolSize.Should().Be(defaults.App);
        new NpgsqlConnectionStringBuilder(SmartbisDbSetup.WithDefaults("Host=db;Username=app;Maximum Pool Size=7", defaults.App)).MaxPoolSize.Should().Be(7);
        new NpgsqlConnectionStringBuilder(SmartbisDbSetup.WithDefaults("Host=db;Username=app;MaxPoolSize=9", defaults.App)).MaxPoolSize.Should().Be(9);
        // The app's pool keeps what it opened (no connection closed and opened again cold between bursts), unless stated.
        new NpgsqlConnectionStringBuilder(SmartbisDbSetup.WithDefaults("Host=db;Username=app", defaults.App)).MinPoolSize.Should().Be(defaults.App);
        new NpgsqlConnectionStringBuilder(SmartbisDbSetup.WithDefaults("Host=db;Username=app;MaxPoolSize=9", defaults.App)).MinPoolSize.Should().Be(9);
        new NpgsqlConnectionStringBuilder(SmartbisDbSetup.WithDefaults("Host=db;Username=app;Minimum Pool Size=2", defaults.App)).MinPoolSize.Should().Be(2);
        new NpgsqlConnectionStringBuilder(SmartbisDbSetup.WithDefaults("Host=db;Username=app")).MinPoolSize.Should().Be(0, "the migrator's and tools' strings are left as given");
        new NpgsqlConnectionStringBuilder(defaults.ForJobs("Host=db;Username=app")).MaxPoolSize.Should().Be(defaults.Jobs);
        new NpgsqlConnectionStringBuilder(defaults.ForJobs("Host=db;Username=app")).MinPoolSize.Should().Be(defaults.Jobs);
        new NpgsqlConnectionStringBuilder(defaults.ForJobs("Host=db;Username=app;Maximum Pool Size=3")).MaxPoolSize.Should().Be(3);

        var set = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Smartbis:Database:MaxPoolSize"] = "12", ["Smartbis:Database:JobsMaxPoolSize"] = "4", ["Smartbis:Database:Nodes"] = "3",
        }).Build();
        PoolSizes.From(set).Should().Be(new PoolSizes(12, 4, 3));
    }
}
