using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Smartbis.Tests.Api;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Data.Caching;
using Smartbis.Web.Features.Integrations;

namespace Smartbis.Tests.Caching;

/// <summary>
/// The configuration cache (Data/Caching) keeps every guarantee: a change made through the app is in force on its next
/// request, a change made behind its back (another node, a script) as soon as its notification arrives, and a node that
/// cannot hear notifications keeps nothing. On a Citus run the cache is off (the triggers fire on the workers): the
/// guarantees are then checked without it.
/// </summary>
public sealed class ConfigCacheTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    private ConfigCache Cache => Fixture.App.Services.GetRequiredService<ConfigCache>();

    private async Task<bool> ListeningAsync()
    {
        for (var i = 0; i < 100 && !Cache.Enabled && !PostgresServer.CitusRun; i++) await Task.Delay(50);
        return Cache.Enabled;
    }

    [Fact]
    public async Task A_rules_change_through_the_app_is_in_force_for_the_very_next_purchase()
    {
        var t = await NewTenantAsync(SampleRules.LitoralCash());
        var customer = await t.EnrollAsync();
        (await t.BuyAsync(customer, 100_00)).EarnedCents.Should().Be(5_00);
        if (await ListeningAsync()) Cache.Count.Should().BePositive("the purchase kept the tenant's rules");

        var doubled = SampleRules.LitoralCash();
        doubled.EarnRateBps = 1_000;
        await t.SaveRulesAsync(doubled);
        (await t.BuyAsync(customer, 100_00)).EarnedCents.Should().Be(10_00, "the new version applies at once");
        await t.AssertBooksBalanceAsync();
    }

    [Fact]
    public async Task A_key_revoked_behind_the_apps_back_is_refused_once_the_notification_arrives()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var key = await t.CreateKeyAsync();
        var api = Fixture.ApiClient(key);
        (await api.GetAsync("/api/v1/program")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await api.GetAsync("/api/v1/program")).StatusCode.Should().Be(HttpStatusCode.OK);
        var listening = await ListeningAsync();
        var heard = Cache.Heard;

        // As another node or a script would: straight to the database, no app code on this node.
        await using (var db = new NpgsqlConnection(Fixture.Factory.ConnectionString))
        {
            await db.OpenAsync();
            await using var revoke = new NpgsqlCommand("UPDATE api_keys SET revoked_at = now() WHERE key_hash = @h", db);
            revoke.Parameters.AddWithValue("h", ApiKey.Hash(key));
            (await revoke.ExecuteNonQueryAsync()).Should().Be(1);
        }
        if (listening)
        {
            for (var i = 0; i < 100 && Cache.Heard == heard; i++) await Task.Delay(20);
            Cache.Heard.Should().BeGreaterThan(heard, "the trigger's notification reached the node");
        }
        await (await api.GetAsync("/api/v1/program")).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_api_keys_last_use_is_stamped_once_a_minute_and_empties_no_cache()
    {
        var other = await NewTenantAsync(SampleRules.Plain()); // made first: a new tenant empties every cache of the node
        var t = await NewTenantAsync(SampleRules.Plain());
        var key = await t.CreateKeyAsync();
        var api = Fixture.ApiClient(key);
        Task<DateTimeOffset?> LastUsedAsync() => t.WithDbAsync(db => db.ApiKeys.Select(k => k.LastUsedAt).SingleAsync());
        (await api.GetAsync("/api/v1/program")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await LastUsedAsync()).Should().Be(Clock.Now);
        var first = Clock.Now;

        var listening = await ListeningAsync();
        (await Cache.GetAsync(t.Id, "sentinel", () => Task.FromResult("kept"))).Should().Be("kept");
        Clock.Advance(TimeSpan.FromSeconds(30));
        (await api.GetAsync("/api/v1/program")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await LastUsedAsync()).Should().Be(first, "within the minute the last use is not written again");
        Clock.Advance(TimeSpan.FromSeconds(40));
        (await api.GetAsync("/api/v1/program")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await api.GetAsync("/api/v1/program")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await LastUsedAsync()).Should().Be(Clock.Now, "a minute after the last stamp the use is stamped again, from the cached key");
        if (!listening) return; // Citus: the cache is off

        // A notification the stamp had sent would arrive before this one (one listening connection, in commit order).
        var heard = Cache.Heard;
        await using (var db = new NpgsqlConnection(Fixture.Factory.ConnectionString))
        {
            await db.OpenAsync();
            await using var rename = new NpgsqlCommand("UPDATE stores SET name = name || '.' WHERE tenant_id = @t", db);
            rename.Parameters.AddWithValue("t", other.Id);
            (await rename.ExecuteNonQueryAsync()).Should().BePositive();
        }
        for (var i = 0; i < 100 && Cache.Heard == heard; i++) await Task.Delay(20);
        Cache.Heard.Should().BeGreaterThan(heard);
        (await Cache.GetAsync(t.Id, "sentinel", () => Task.FromResult("reloaded"))).Should().Be("kept", "stamping the key's use changed no configuration");

        // Any other change of the key still empties the tenant's cache on every node.
        await using (var db = new NpgsqlConnection(Fixture.Factory.ConnectionString))
        {
            await db.OpenAsync();
            await using var rename = new NpgsqlCommand("UPDATE api_keys SET name = name || '.' WHERE tenant_id = @t", db);
            rename.Parameters.AddWithValue("t", t.Id);
            (await rename.ExecuteNonQueryAsync()).Should().Be(1);
        }
        for (var i = 0; i < 100 && await Cache.GetAsync(t.Id, "sentinel", () => Task.FromResult("reloaded")) == "kept"; i++) await Task.Delay(20);
        (await Cache.GetAsync(t.Id, "sentinel", () => Task.FromResult("again"))).Should().Be("reloaded");
    }

    [Fact]
    public async Task A_node_that_loses_its_listening_connection_keeps_nothing_until_it_listens_again()
    {
        if (!await ListeningAsync()) return; // Citus: the cache is off, as this test would make it
        var t = await NewTenantAsync(SampleRules.Plain());
        var key = await t.CreateKeyAsync();
        var api = Fixture.ApiClient(key);
        (await api.GetAsync("/api/v1/program")).StatusCode.Should().Be(HttpStatusCode.OK);

        await using (var admin = new NpgsqlConnection(Fixture.Factory.ConnectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand(
                "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'smartbis-config-listener' AND datname = current_database()) k", admin);
            ((long)(await kill.ExecuteScalarAsync())!).Should().BePositive();
        }
        for (var i = 0; i < 100 && Cache.Enabled; i++) await Task.Delay(20);
        // Off (or already back, having emptied itself): either way nothing kept from before the gap survives.
        if (!Cache.Enabled) Cache.Count.Should().Be(0);

        (await ListeningAsync()).Should().BeTrue("the listener reconnects by itself");
        (await api.GetAsync("/api/v1/program")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_value_loaded_while_a_change_is_announced_is_not_kept()
    {
        var cache = new ConfigCache();
        cache.Enable();
        var tenant = Guid.NewGuid();
        var loads = 0;
        var first = await cache.GetAsync(tenant, "x", async () =>
        {
            loads++;
            cache.Invalidate(tenant); // the change is announced while the old value is being read
            await Task.Yield();
            return "old";
        });
        first.Should().Be("old");
        (await cache.GetAsync(tenant, "x", () => { loads++; return Task.FromResult("new"); })).Should().Be("new", "the overlapping load was not kept");
        (await cache.GetAsync(tenant, "x", () => { loads++; return Task.FromResult("newer"); })).Should().Be("new", "a quiet load is kept");
        loads.Should().Be(2);

        cache.Invalidate(Guid.NewGuid());
        (await cache.GetAsync(tenant, "x", () => Task.FromResult("other"))).Should().Be("new", "another tenant's change leaves this one's entries");
        cache.Invalidate(ConfigCache.Global);
        (await cache.GetAsync(tenant, "x", () => Task.FromResult("after global"))).Should().Be("after global");
        cache.Disable();
        (await cache.GetAsync(tenant, "x", () => Task.FromResult("off"))).Should().Be("off");
        (await cache.GetAsync(tenant, "x", () => Task.FromResult("off again"))).Should().Be("off again", "a node not listening keeps nothing");
    }
}
