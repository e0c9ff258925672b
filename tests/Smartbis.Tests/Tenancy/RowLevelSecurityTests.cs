using Microsoft.EntityFrameworkCore;
using Npgsql;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Tests.Tenancy;

/// <summary>
/// The second wall: PostgreSQL row-level security, seen from the app role the app connects as
/// (docs/reliability.md, "Row-level security"). The query filter is bypassed on purpose in these tests
/// (IgnoreQueryFilters, raw SQL) to show that the database alone keeps tenants apart.
/// </summary>
public sealed class RowLevelSecurityTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    /// <summary>The tables CrossTenantRead may read across tenants; docs/reliability.md lists why for each.</summary>
    private static readonly string[] CrossTenantReadable =
        ["api_keys", "daily_stats", "memberships", "messages", "outbox_events", "staff_invitations", "stores", "tenant_keys", "upgrade_requests",
         "usage_months", "webhook_deliveries", "webhook_subscriptions"];

    private static List<string> TenantTables(SmartbisDb db) =>
        db.Model.GetEntityTypes()
            .Where(e => typeof(ITenantOwned).IsAssignableFrom(e.ClrType))
            .Select(e => e.GetTableName()!)
            .Distinct().Order().ToList();

    private sealed record Pair(TestTenant A, TestTenant B);

    private async Task<Pair> TwoTenantsWithHistoryAsync()
    {
        async Task<TestTenant> One()
        {
            var t = await fixture.CreateTenantAsync(SampleRules.Velluto());
            var customer = await t.EnrollAsync();
            await t.BuyAsync(customer, 150_00);
            return t;
        }
        return new Pair(await One(), await One());
    }

    private async Task<NpgsqlConnection> OpenAsAppRoleAsync()
    {
        var connection = new NpgsqlConnection(fixture.AppConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, string sql, NpgsqlTransaction? tx = null)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Every_tenant_owned_table_in_the_model_has_forced_row_level_security_and_the_tenant_policy()
    {
        await using var db = fixture.OpenDb();
        var tables = TenantTables(db);
        tables.Should().HaveCountGreaterThan(30);
        var state = await db.Database.SqlQuery<TableSecurity>($"""
            SELECT c.relname AS "Table", c.relrowsecurity AS "Enabled", c.relforcerowsecurity AS "Forced",
                   p.cmd AS "Command", p.qual AS "Using", p.with_check AS "Check"
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
            LEFT JOIN pg_policies p ON p.schemaname = 'public' AND p.tablename = c.relname AND p.policyname = {RowLevelSecurity.TenantPolicy}
            WHERE c.relkind = 'r'
            """).ToListAsync();
        foreach (var table in tables)
        {
            var row = state.SingleOrDefault(s => s.Table == table);
            row.Should().NotBeNull($"tenant-owned table {table} must exist");
            row!.Enabled.Should().BeTrue($"{table} must ENABLE ROW LEVEL SECURITY (add RowLevelSecurity.EnableOn to its migration)");
            row.Forced.Should().BeTrue($"{table} must FORCE ROW LEVEL SECURITY");
            row.Command.Should().Be("ALL", $"{table}'s {RowLevelSecurity.TenantPolicy} policy must cover reads and writes");
            row.Using.Should().Contain("app.tenant_id").And.Contain("tenant_id =", $"{table}'s policy must key rows on the tenant setting");
            row.Check.Should().Be(row.Using, $"{table} must refuse writes of another tenant's rows (WITH CHECK)");
        }

        // A table that carries tenant_id but is not a tenant-owned entity would escape both walls.
        var withTenantColumn = await db.Database.SqlQuery<string>($"""
            SELECT table_name AS "Value" FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'tenant_id'
            """).ToListAsync();
        withTenantColumn.Should().BeEquivalentTo(tables, "every table with a tenant_id column is a tenant-owned entity with its policy");
    }

    [Fact]
    public async Task Cross_tenant_reads_are_allowed_only_on_the_listed_tables_and_only_for_select()
    {
        await using var db = fixture.OpenDb();
        var policies = await db.Database.SqlQuery<CrossPolicy>($"""
            SELECT tablename AS "Table", cmd AS "Command", qual AS "Using" FROM pg_policies
            WHERE schemaname = 'public' AND policyname <> {RowLevelSecurity.TenantPolicy}
            """).ToListAsync();
        policies.Select(p => p.Table).Should().BeEquivalentTo(CrossTenantReadable,
            "a new cross-tenant path is a reviewed change: CrossTenantPurpose, this list and docs/reliability.md change together");
        foreach (var p in policies)
        {
            p.Command.Should().Be("SELECT", $"cross-tenant access to {p.Table} is read-only");
            p.Using.Should().Contain(RowLevelSecurity.CrossTenantSetting);
        }
    }

    [Fact]
    public async Task The_app_role_owns_nothing_and_cannot_bypass_row_level_security()
    {
        await using var connection = await OpenAsAppRoleAsync();
        await using (var role = new NpgsqlCommand("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user", connection))
        await using (var reader = await role.ExecuteReaderAsync())
        {
            (await reader.ReadAsync()).Should().BeTrue();
            reader.GetBoolean(0).Should().BeFalse("the app role is no superuser");
            reader.GetBoolean(1).Should().BeFalse("the app role has no BYPASSRLS");
        }
        (await CountAsync(connection, "SELECT count(*) FROM pg_class WHERE pg_get_userbyid(relowner) = current_user"))
            .Should().Be(0, "the app role owns no table, so it cannot alter one");

        // row_security = off does not turn the policies off for a role subject to them: the query fails instead.
        var off = async () =>
        {
            await using var set = new NpgsqlCommand("SET row_security = off; SELECT count(*) FROM customers", connection);
            await set.ExecuteScalarAsync();
        };
        (await off.Should().ThrowAsync<PostgresException>()).Which.Message.Should().Contain("row-level security");
        await new NpgsqlCommand("RESET row_security", connection).ExecuteNonQueryAsync();

        // Any superuser ("postgres" on the throwaway cluster, "smartbis" on ./test.sh --citus's).
        var superuser = (string)(await new NpgsqlCommand("SELECT rolname FROM pg_roles WHERE rolsuper ORDER BY oid LIMIT 1", connection).ExecuteScalarAsync())!;
        foreach (var sql in new[]
                 {
                     "ALTER TABLE customers DISABLE ROW LEVEL SECURITY",
                     "ALTER TABLE customers NO FORCE ROW LEVEL SECURITY",
                     $"DROP POLICY {RowLevelSecurity.TenantPolicy} ON customers",
                     "CREATE POLICY everything ON customers USING (true)",
                     $"SET ROLE {superuser}",
                     "ALTER ROLE CURRENT_USER BYPASSRLS",
                     "TRUNCATE customers",
                     "SELECT count(*) FROM __ef_migrations_history",
                 })
        {
            var attempt = async () =>
            {
                await using var command = new NpgsqlCommand(sql, connection);
                await command.ExecuteNonQueryAsync();
            };
            (await attempt.Should().ThrowAsync<PostgresException>($"the app role must not be able to run: {sql}"))
                .Which.SqlState.Should().Be(PostgresErrorCodes.InsufficientPrivilege, sql);
        }
    }

    [Fact]
    public async Task With_no_tenant_set_the_app_role_sees_no_row_of_any_tenant_table()
    {
        await TwoTenantsWithHistoryAsync();
        List<string> tables;
        await using (var db = fixture.OpenDb()) tables = TenantTables(db);
        await using var owner = new NpgsqlConnection(fixture.ConnectionString);
        await owner.OpenAsync();
        await using var app = await OpenAsAppRoleAsync();
        long seen = 0;
        foreach (var table in tables)
        {
            seen += await CountAsync(owner, $"SELECT count(*) FROM {table}");
            (await CountAsync(app, $"SELECT count(*) FROM {table}")).Should().Be(0, $"{table} shows no row without a tenant");
        }
        seen.Should().BeGreaterThan(20, "the owner sees the rows the app role cannot");

        // The same through the app's DbContext with no tenant, past the query filter.
        await using var scope = fixture.CreateScope();
        (await scope.Db.Customers.IgnoreQueryFilters().CountAsync()).Should().Be(0);
        (await scope.Db.LedgerEntries.IgnoreQueryFilters().CountAsync()).Should().Be(0);
        (await scope.Db.Database.SqlQuery<long>($"SELECT count(*) AS \"Value\" FROM purchases").SingleAsync()).Should().Be(0);
    }

    [Fact]
    public async Task With_tenant_A_set_no_row_of_B_is_visible_even_past_the_query_filter_or_through_raw_sql()
    {
        var (a, b) = await TwoTenantsWithHistoryAsync();
        await using var scope = fixture.CreateScope(a.Id);
        var db = scope.Db;
        (await db.Customers.IgnoreQueryFilters().Select(c => c.TenantId).Distinct().ToListAsync()).Should().Equal(a.Id);
        (await db.LedgerEntries.IgnoreQueryFilters().Select(e => e.TenantId).Distinct().ToListAsync()).Should().Equal(a.Id);
        (await db.Stores.IgnoreQueryFilters().AnyAsync(s => s.Id == b.StoreId)).Should().BeFalse("B's store is invisible to A even by id");
        (await db.Purchases.FromSql($"SELECT * FROM purchases").IgnoreQueryFilters().Select(p => p.TenantId).Distinct().ToListAsync())
            .Should().Equal(a.Id);
        (await db.Database.SqlQuery<long>($"SELECT count(*) AS \"Value\" FROM accounts WHERE tenant_id = {b.Id}").SingleAsync()).Should().Be(0);

        // Writes aimed at B's rows find nothing to change.
        (await db.Database.ExecuteSqlAsync($"UPDATE stores SET name = 'taken by A' WHERE tenant_id = {b.Id}")).Should().Be(0);
        (await db.Database.ExecuteSqlAsync($"DELETE FROM customers WHERE tenant_id = {b.Id}")).Should().Be(0);
        (await db.Stores.IgnoreQueryFilters().Where(s => s.TenantId == b.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.Name, "taken by A")))
            .Should().Be(0);

        // Every tenant table, in one transaction with A set as the app sets it.
        List<string> tables = TenantTables(db);
        await using var app = await OpenAsAppRoleAsync();
        await using var tx = await app.BeginTransactionAsync();
        await using (var set = new NpgsqlCommand($"CALL {RowLevelSecurity.SetContextProcedure}(@t, false)", app, tx))
        {
            set.Parameters.AddWithValue("t", a.Id);
            await set.ExecuteNonQueryAsync();
        }
        foreach (var table in tables)
            (await CountAsync(app, $"SELECT count(*) FROM {table} WHERE tenant_id <> '{a.Id}'", tx)).Should().Be(0, $"{table} shows A nothing of B");
        (await CountAsync(app, "SELECT count(*) FROM customers", tx)).Should().Be(1, "A sees its own rows");

        await using var owner = fixture.OpenDb(b.Id);
        (await owner.Stores.Where(s => s.Id == b.StoreId).Select(s => s.Name).SingleAsync()).Should().NotBe("taken by A");
        (await owner.Customers.CountAsync()).Should().Be(1, "B's customer was not deleted");
    }

    [Fact]
    public async Task Writing_a_row_of_B_while_A_is_set_is_refused_by_postgres()
    {
        var (a, b) = await TwoTenantsWithHistoryAsync();
        await using var scope = fixture.CreateScope(a.Id);
        var db = scope.Db;

        var insert = () => db.Database.ExecuteSqlAsync(
            $"INSERT INTO stores (tenant_id, id, name, active, created_at) VALUES ({b.Id}, {Guid.CreateVersion7()}, 'planted by A', true, now())");
        (await insert.Should().ThrowAsync<PostgresException>()).Which.Message.Should().Contain("row-level security");

        // Moving one of A's own rows to B is refused too (WITH CHECK applies to the new row of an UPDATE).
        // (On a Citus cluster the coordinator refuses it before the shard does: tenant_id is the distribution column.)
        var move = () => db.Database.ExecuteSqlAsync($"UPDATE stores SET tenant_id = {b.Id} WHERE id = {a.StoreId}");
        (await move.Should().ThrowAsync<PostgresException>()).Which.Message.Should().Contain(
            PostgresServer.CitusRun ? "modifying the partition value of rows is not allowed" : "row-level security");

        // With no tenant at all, nothing can be written either.
        await using var none = fixture.CreateScope();
        var orphan = () => none.Db.Database.ExecuteSqlAsync(
            $"INSERT INTO stores (tenant_id, id, name, active, created_at) VALUES ({a.Id}, {Guid.CreateVersion7()}, 'no tenant', true, now())");
        (await orphan.Should().ThrowAsync<PostgresException>()).Which.Message.Should().Contain("row-level security");

        await using var owner = fixture.OpenDb(b.Id);
        (await owner.Stores.IgnoreQueryFilters().CountAsync(s => s.Name == "planted by A" || s.Name == "no tenant")).Should().Be(0);
        (await owner.Stores.IgnoreQueryFilters().CountAsync(s => s.TenantId == b.Id)).Should().Be(1, "A's store did not move to B");
    }

    [Fact]
    public async Task Saves_get_the_tenant_in_implicit_and_explicit_transactions_one_after_another_on_one_connection()
    {
        var (a, _) = await TwoTenantsWithHistoryAsync();
        await using var scope = fixture.CreateScope(a.Id);
        var db = scope.Db;
        for (var round = 0; round < 3; round++)
        {
            // A transaction whose query carried the tenant, committed; then one whose first command is a save:
            // the second must set the tenant itself (Npgsql recycles transaction objects on a connection).
            await using (var first = await db.Database.BeginTransactionAsync())
            {
                (await db.Stores.CountAsync()).Should().BeGreaterThan(0);
                await first.CommitAsync();
            }
            await using (var second = await db.Database.BeginTransactionAsync())
            {
                db.Stores.Add(new Store { Name = $"explicit {round}", CreatedAt = DateTimeOffset.UtcNow });
                await db.SaveChangesAsync();
                await second.CommitAsync();
            }
            db.Stores.Add(new Store { Name = $"implicit {round}", CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }
        await using var owner = fixture.OpenDb(a.Id);
        (await owner.Stores.CountAsync(s => s.Name.StartsWith("explicit ") || s.Name.StartsWith("implicit "))).Should().Be(6);
    }

    [Fact]
    public async Task A_cross_tenant_read_sees_only_the_listed_tables_and_changes_nothing()
    {
        var (a, b) = await TwoTenantsWithHistoryAsync();
        await using var scope = fixture.CreateScope();
        var db = scope.Db;
        var stores = await CrossTenantRead.RunAsync(db, CrossTenantPurpose.OperatorOverview,
            () => db.Stores.IgnoreQueryFilters().Where(s => s.TenantId == a.Id || s.TenantId == b.Id).Select(s => s.TenantId).Distinct().ToListAsync());
        stores.Should().BeEquivalentTo([a.Id, b.Id], "stores are readable across tenants for the operator overview");

        var customers = await CrossTenantRead.RunAsync(db, CrossTenantPurpose.OperatorOverview,
            () => db.Customers.IgnoreQueryFilters().CountAsync());
        customers.Should().Be(0, "customers are not on the cross-tenant list");

        var renamed = await CrossTenantRead.RunAsync(db, CrossTenantPurpose.OperatorOverview,
            () => db.Database.ExecuteSqlAsync($"UPDATE stores SET name = 'renamed across tenants' WHERE tenant_id = {a.Id}"));
        renamed.Should().Be(0, "a cross-tenant read cannot write");

        (await db.Stores.IgnoreQueryFilters().CountAsync()).Should().Be(0, "the cross-tenant setting ends with the read");
    }

    private sealed class TableSecurity
    {
        public string Table { get; set; } = "";
        public bool Enabled { get; set; }
        public bool Forced { get; set; }
        public string? Command { get; set; }
        public string? Using { get; set; }
        public string? Check { get; set; }
    }

    private sealed class CrossPolicy
    {
        public string Table { get; set; } = "";
        public string Command { get; set; } = "";
        public string Using { get; set; } = "";
    }
}
