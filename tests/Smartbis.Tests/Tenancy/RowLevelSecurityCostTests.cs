using System.Diagnostics;
using Npgsql;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Data;
using Xunit.Abstractions;

namespace Smartbis.Tests.Tenancy;

/// <summary>
/// What the second wall costs, at the protocol level the interceptor produces (docs/reliability.md, "Measured overhead"):
/// a point query and a one-row update as the owner with no RLS and no tenant setting, against the same as the app role
/// with the CALL prefix (queries) or in a transaction with the CALL before it (SaveChanges). Prints the medians.
/// </summary>
public sealed class RowLevelSecurityCostTests(LedgerFixture fixture, ITestOutputHelper output) : IClassFixture<LedgerFixture>
{
    private const int Rounds = 400;

    [Fact]
    public async Task The_tenant_prefix_returns_the_same_rows_and_its_cost_is_reported()
    {
        var shop = await fixture.CreateTenantAsync(SampleRules.Plain());
        var customer = await shop.EnrollAsync("Ana Cost");
        var call = $"CALL {RowLevelSecurity.SetContextProcedure}('{shop.Id:D}'::uuid, false);\n";
        const string select = "SELECT name FROM customers WHERE tenant_id = @t AND id = @id";
        const string update = "UPDATE customers SET name = @n WHERE tenant_id = @t AND id = @id";

        await using var owner = new NpgsqlConnection(fixture.ConnectionString);
        await using var app = new NpgsqlConnection(fixture.AppConnectionString);
        await owner.OpenAsync();
        await app.OpenAsync();

        NpgsqlCommand Command(NpgsqlConnection c, string sql, NpgsqlTransaction? tx = null, string? name = null)
        {
            var command = new NpgsqlCommand(sql, c, tx);
            command.Parameters.AddWithValue("t", shop.Id);
            command.Parameters.AddWithValue("id", customer);
            if (name is not null) command.Parameters.AddWithValue("n", name);
            return command;
        }

        async Task<object?> OwnerQuery() { await using var c = Command(owner, select); return await c.ExecuteScalarAsync(); }
        // On a Citus cluster a query outside a transaction is sent in a block of its own (TenantSessionInterceptor.ForCitus):
        // the coordinator passes SET LOCAL on to the workers only inside one.
        var prefixed = PostgresServer.CitusRun ? $"BEGIN;\n{call}{select};\nCOMMIT;" : call + select;
        async Task<object?> AppQuery() { await using var c = Command(app, prefixed); return await c.ExecuteScalarAsync(); }
        async Task<object?> OwnerSave() { await using var c = Command(owner, update, name: "Ana Cost"); return await c.ExecuteNonQueryAsync(); }
        async Task<object?> AppSave()
        {
            await using var tx = await app.BeginTransactionAsync();
            await using (var set = new NpgsqlCommand(call, app, tx)) await set.ExecuteNonQueryAsync();
            await using var c = Command(app, update, tx, "Ana Cost");
            var rows = await c.ExecuteNonQueryAsync();
            await tx.CommitAsync();
            return rows;
        }

        (await AppQuery()).Should().Be("Ana Cost").And.Be(await OwnerQuery(), "the prefix changes nothing in what a query returns");
        (await AppSave()).Should().Be(1).And.Be(await OwnerSave(), "the row count of a save is unchanged");
        await using (var none = new NpgsqlCommand(select, app))
        {
            none.Parameters.AddWithValue("t", shop.Id);
            none.Parameters.AddWithValue("id", customer);
            (await none.ExecuteScalarAsync()).Should().BeNull("without the prefix the app role sees nothing: the prefix is what lets it in");
        }

        var timings = new Dictionary<string, List<double>> { ["owner query"] = [], ["app query"] = [], ["owner save"] = [], ["app save"] = [] };
        async Task Time(string name, Func<Task<object?>> work)
        {
            var watch = Stopwatch.StartNew();
            await work();
            timings[name].Add(watch.Elapsed.TotalMicroseconds);
        }
        for (var i = 0; i < Rounds; i++) // interleaved, so load from other processes hits every variant alike
        {
            await Time("owner query", OwnerQuery);
            await Time("app query", AppQuery);
            await Time("owner save", OwnerSave);
            await Time("app save", AppSave);
        }
        foreach (var (name, values) in timings)
        {
            values.Sort();
            output.WriteLine($"{name,-12} median {values[values.Count / 2],8:F0} µs   p90 {values[values.Count * 9 / 10],8:F0} µs   ({Rounds} rounds)");
        }
        timings.Values.Should().OnlyContain(v => v.Count == Rounds);
    }
}
