using Smartbis.Tests.Infrastructure;

namespace Smartbis.Tests.Reliability;

/// <summary>A cluster of this class's own, so that restarting it disturbs no other test class.</summary>
public sealed class RestartFixture : LedgerFixture
{
    protected override Task<PostgresServer> GetServerAsync() => PostgresServer.StartDedicatedAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Server?.StopDedicated();
    }
}

/// <summary>
/// PostgreSQL itself restarted as after a crash (<c>pg_ctl restart -m immediate</c>: every backend killed, crash
/// recovery on start) in the middle of a stream of API purchases whose clients retry: every acknowledged purchase is
/// there exactly once, nothing refused is, and the books balance.
/// </summary>
public sealed class PostgresRestartTests(RestartFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<RestartFixture>
{
    [Fact]
    public async Task PostgreSQL_restarted_mid_stream_loses_and_duplicates_no_purchase()
    {
        var down = TimeSpan.Zero;
        await PurchaseStream.RunAndCheckAsync(fixture, async () => down = await fixture.Server.RestartAsync());
        output.WriteLine($"PostgreSQL was restarted once 30 purchases were acknowledged; pg_ctl restart took {down.TotalMilliseconds:0} ms");
        down.Should().BeGreaterThan(TimeSpan.Zero);
    }
}
