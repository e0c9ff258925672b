using Smartbis.Tests.Infrastructure;

namespace Smartbis.Tests.Security;

/// <summary>
/// The class fixture's app plus a second app instance on the same database: two web nodes behind a load balancer.
/// The second instance is built and stopped with the test class.
/// </summary>
public abstract class TwoNodes(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    protected DatabaseFixture Fixture { get; } = fixture;
    protected SmartbisFactory Second { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Second = new SmartbisFactory(Fixture.ConnectionString);
        _ = Second.Services;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Second.DisposeAsync();
}
