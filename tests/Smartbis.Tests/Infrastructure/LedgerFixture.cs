using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Smartbis.Tests.Infrastructure;

/// <summary>
/// The app's clock in ledger tests: "now" comes from a <see cref="FakeTimeProvider"/> that a test starts
/// where it wants (<see cref="StartAt"/>, which may go back in time for a new scenario) and advances.
/// Only the wall clock is faked: timestamps and timers stay real, so nothing in the host stalls.
/// </summary>
public sealed class TestClock : TimeProvider
{
    private volatile FakeTimeProvider current = new(new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero));

    public FakeTimeProvider Fake => current;

    public DateTimeOffset Now => current.GetUtcNow();

    /// <summary>Starts a fresh fake clock at <paramref name="start"/> (any moment, earlier ones included).</summary>
    public DateTimeOffset StartAt(DateTimeOffset start)
    {
        current = new FakeTimeProvider(start);
        return start;
    }

    public DateTimeOffset Advance(TimeSpan by)
    {
        current.Advance(by);
        return current.GetUtcNow();
    }

    public override DateTimeOffset GetUtcNow() => current.GetUtcNow();
}

/// <summary>
/// A <see cref="DatabaseFixture"/> whose app reads the time from <see cref="Clock"/> (a fake clock) instead of
/// the system clock. Use its <see cref="CreateScope"/> (not the factory's): its scopes come from the app with the fake clock.
/// Tests of one class run one after another, so they may each move the clock as they need.
/// </summary>
public class LedgerFixture : DatabaseFixture
{
    public TestClock Clock { get; } = new();

    /// <summary>The app under test, with <see cref="Clock"/> as its <see cref="TimeProvider"/>.</summary>
    public WebApplicationFactory<Program> App { get; private set; } = null!;

    /// <summary>
    /// Concurrency tests send hundreds of requests at once: at most 50 connections of this database's pool (the shared
    /// server serves every test class), and up to two minutes to wait for one on a busy machine instead of 30 s.
    /// </summary>
    protected override void ConfigureSettings(IDictionary<string, string?> settings) =>
        settings["ConnectionStrings:Smartbis"] = new NpgsqlConnectionStringBuilder(AppConnectionString) { MaxPoolSize = 50, Timeout = 120 }.ConnectionString;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        App = Factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock)));
        _ = App.Services; // start the host now, not inside the first (possibly parallel) test
    }

    /// <summary>A DI scope of the fake-clock app, with the tenant set when given.</summary>
    public new TestScope CreateScope(Guid? tenantId = null)
    {
        var scope = App.Services.CreateAsyncScope();
        if (tenantId is { } id) scope.ServiceProvider.GetRequiredService<Smartbis.Web.Features.Tenancy.TenantContext>().Set(id);
        return new TestScope(scope);
    }

    public T Get<T>() where T : notnull => App.Services.GetRequiredService<T>();
}
