using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Tests.Tenancy;

/// <summary>
/// Issue 15: the schema stays distributable with Citus (docs/scaling.md). Runs on plain PostgreSQL, from the EF model
/// and the migrations' declarations (schema_distribution), so a new table that a cluster would refuse fails here first.
/// </summary>
public sealed class DistributabilityTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Every_table_of_the_model_can_be_distributed_by_tenant_or_is_a_reference_table()
    {
        await using var scope = fixture.CreateScope();
        CitusRules.Problems(scope.Db.Model).Should().BeEmpty();
        CitusRules.Tables(scope.Db.Model).Should().Contain([("customers", CitusTable.Distributed), ("tenants", CitusTable.Reference),
            ("tenant_keys", CitusTable.Reference), ("users", CitusTable.Reference), ("ledger_entries", CitusTable.Distributed)]);
    }

    [Fact]
    public async Task Every_table_is_declared_by_a_migration_with_its_kind_after_the_tables_it_points_to()
    {
        await using var scope = fixture.CreateScope();
        var model = CitusRules.Tables(scope.Db.Model).ToDictionary(t => t.Table, t => t.Kind);

        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        var declared = new Dictionary<string, (CitusTable Kind, int Position)>();
        await using (var read = new NpgsqlCommand($"SELECT table_name, kind, position FROM {Citus.RegistryTable}", connection))
        await using (var reader = await read.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                declared[reader.GetString(0)] = (Enum.Parse<CitusTable>(reader.GetString(1), ignoreCase: true), reader.GetInt32(2));

        var tables = new List<string>();
        await using (var list = new NpgsqlCommand($"""
                         SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
                           AND c.relname NOT IN ('__ef_migrations_history', '{Citus.RegistryTable}')
                         """, connection))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));

        tables.Should().BeEquivalentTo(model.Keys, "every table in public is a table of the model");
        foreach (var (table, kind) in model)
        {
            declared.Should().ContainKey(table, $"a migration must declare {table}: Citus.Distribute or Citus.Reference (docs/scaling.md)");
            declared[table].Kind.Should().Be(kind, $"{table} is declared as the model says it must be distributed");
        }

        // Dependency order: a table is distributed after every table it points to.
        var edges = new List<(string From, string To)>();
        await using (var fks = new NpgsqlCommand("""
                         SELECT r.relname, f.relname FROM pg_constraint k JOIN pg_class r ON r.oid = k.conrelid JOIN pg_class f ON f.oid = k.confrelid
                         WHERE k.contype = 'f' AND k.connamespace = 'public'::regnamespace AND k.conrelid <> k.confrelid
                         """, connection))
        await using (var reader = await fks.ExecuteReaderAsync())
            while (await reader.ReadAsync()) edges.Add((reader.GetString(0), reader.GetString(1)));
        edges.Should().NotBeEmpty();
        foreach (var (from, to) in edges)
            declared[from].Position.Should().BeGreaterThan(declared[to].Position, $"{from} points to {to}, so it is declared after it");
    }

    [Fact]
    public async Task On_a_cluster_every_table_is_placed_as_declared_and_every_shard_forces_row_level_security()
    {
        await using var scope = fixture.CreateScope();
        var model = CitusRules.Tables(scope.Db.Model).ToList();
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        async Task<List<string>> Strings(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync();
            var list = new List<string>();
            while (await reader.ReadAsync()) list.Add(reader.GetString(0));
            return list;
        }

        if (!fixture.Server.IsCitus)
        {
            // One PostgreSQL: the same declarations, and the procedure changes nothing.
            (await Strings("SELECT extname::text FROM pg_extension")).Should().NotContain("citus");
            await using var call = new NpgsqlCommand($"CALL {Citus.DistributeProcedure}()", connection);
            await call.ExecuteNonQueryAsync();
            (await Strings($"SELECT table_name FROM {Citus.RegistryTable}")).Should().HaveCount(model.Count);
            return;
        }

        var placed = await Strings("""
            SELECT logicalrelid::regclass::text || ':' || CASE WHEN partmethod = 'h' THEN 'Distributed' WHEN repmodel = 't' THEN 'Reference' ELSE 'Local' END
            FROM pg_dist_partition
            """);
        placed.Should().BeEquivalentTo(model.Select(t => $"{t.Table}:{t.Kind}"));
        (await Strings("SELECT count(DISTINCT colocationid)::text FROM pg_dist_partition WHERE partmethod = 'h'")).Should().Equal("1");
        foreach (var (table, _) in model.Where(t => t.Kind == CitusTable.Distributed))
        {
            var forced = await Strings($"""
                SELECT result FROM run_command_on_shards('{table}',
                  $$SELECT relrowsecurity AND relforcerowsecurity FROM pg_class WHERE oid = '%s'::regclass$$)
                """);
            forced.Should().NotBeEmpty().And.OnlyContain(r => r == "t", $"every shard of {table} forces row-level security");
        }
        // The append-only trigger runs on every shard of the ledger (docs/scaling.md says why that is safe).
        (await Strings("""
            SELECT result FROM run_command_on_shards('ledger_entries',
              $$SELECT count(*) FROM pg_trigger WHERE tgrelid = '%s'::regclass AND NOT tgisinternal$$)
            """)).Should().NotBeEmpty().And.OnlyContain(r => r == "2");
    }

    /// <summary>
    /// Citus refuses a foreign key from a table that is not distributed yet to one that is, so a migration that creates a
    /// table must add its keys to already distributed tables after declaring it (the cluster run failed this way at
    /// migration time while plain PostgreSQL passed). Read from the migrations' own operations, in order.
    /// </summary>
    [Fact]
    public void No_migration_adds_a_key_from_a_table_not_yet_distributed_to_a_distributed_one()
    {
        var migrations = typeof(SmartbisDb).Assembly.GetTypes()
            .Where(t => typeof(Microsoft.EntityFrameworkCore.Migrations.Migration).IsAssignableFrom(t) && !t.IsAbstract)
            .Select(t => (Id: t.GetCustomAttributes(typeof(Microsoft.EntityFrameworkCore.Migrations.MigrationAttribute), false)
                .Cast<Microsoft.EntityFrameworkCore.Migrations.MigrationAttribute>().Single().Id, Type: t))
            .OrderBy(m => m.Id, StringComparer.Ordinal).ToList();
        var declared = new Dictionary<string, string>();   // declared in schema_distribution, not yet placed
        var placed = new Dictionary<string, string>();     // after CALL smartbis_distribute()
        var problems = new List<string>();
        foreach (var (id, type) in migrations)
        {
            var migration = (Microsoft.EntityFrameworkCore.Migrations.Migration)Activator.CreateInstance(type)!;
            foreach (var op in migration.UpOperations)
            {
                switch (op)
                {
                    case Microsoft.EntityFrameworkCore.Migrations.Operations.SqlOperation sql:
                        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(sql.Sql,
                                     @"INSERT INTO schema_distribution \(table_name, kind, position\)\s*VALUES \('(\w+)', '(\w+)'"))
                            declared[m.Groups[1].Value] = m.Groups[2].Value;
                        if (sql.Sql.Contains("CALL public.smartbis_distribute()", StringComparison.Ordinal))
                        {
                            foreach (var (t, k) in declared) placed[t] = k;
                            declared.Clear();
                        }
                        break;
                    case Microsoft.EntityFrameworkCore.Migrations.Operations.CreateTableOperation create:
                        foreach (var fk in create.ForeignKeys.Where(fk => placed.GetValueOrDefault(fk.PrincipalTable) == "distributed"))
                            problems.Add($"{id}: creates {create.Name} with its key to the distributed {fk.PrincipalTable} ({fk.Name}); add it after Citus.Distribute");
                        break;
                    case Microsoft.EntityFrameworkCore.Migrations.Operations.AddForeignKeyOperation add
                        when placed.GetValueOrDefault(add.PrincipalTable) == "distributed" && !placed.ContainsKey(add.Table):
                        problems.Add($"{id}: adds {add.Name} from {add.Table}, not placed yet, to the distributed {add.PrincipalTable}");
                        break;
                }
            }
        }
        placed.Should().ContainKey("customers", "the migrations' declarations must be read, or this proves nothing");
        problems.Should().BeEmpty();
    }

    [Fact]
    public void A_table_that_a_cluster_would_refuse_is_reported()
    {
        using var bad = new BadSchema();
        var problems = CitusRules.Problems(bad.Model);
        problems.Should().Contain(p => p.Contains("unique index ix_bad_rows_code") && p.Contains("tenant_id"));
        problems.Should().Contain(p => p.Contains("bad_rows → customers_like") && p.Contains("tenant_id"));
        problems.Should().Contain(p => p.Contains("reference table bad_directory") && p.Contains("distributed table bad_rows"));
        problems.Should().Contain(p => p.Contains("bad_keys") && p.Contains("primary key"));
        problems.Should().Contain(p => p.Contains("unique key") && p.Contains("customers_like"), "the key bad_rows points at is unique without tenant_id");
        problems.Should().HaveCount(5);
    }

    // A model with one of each mistake: a unique key without tenant_id, a key to a tenant table without tenant_id,
    // a reference table pointing at a distributed one, a primary key without tenant_id first.
    private sealed class BadSchema() : DbContext(new DbContextOptionsBuilder<BadSchema>().UseNpgsql("Host=unused").UseSnakeCaseNamingConvention().Options)
    {
        protected override void OnModelCreating(ModelBuilder b)
        {
            b.Entity<CustomerLike>(e => { e.ToTable("customers_like"); e.HasKey(x => new { x.TenantId, x.Id }); });
            b.Entity<BadRow>(e =>
            {
                e.ToTable("bad_rows");
                e.HasKey(x => new { x.TenantId, x.Id });
                e.HasIndex(x => x.Code).HasDatabaseName("ix_bad_rows_code").IsUnique();
                e.HasOne<CustomerLike>().WithMany().HasForeignKey(x => x.CustomerId).HasPrincipalKey(c => c.Id);
            });
            b.Entity<BadDirectory>(e =>
            {
                e.ToTable("bad_directory");
                e.HasKey(x => x.Code);
                e.HasOne<BadRow>().WithMany().HasForeignKey(x => new { x.TenantId, x.RowId });
            });
            b.Entity<BadKey>(e => { e.ToTable("bad_keys"); e.HasKey(x => new { x.Id, x.TenantId }); });
        }
    }

    private sealed class CustomerLike : ITenantOwned { public Guid TenantId { get; set; } public Guid Id { get; set; } }
    private sealed class BadRow : ITenantOwned { public Guid TenantId { get; set; } public Guid Id { get; set; } public string Code { get; set; } = ""; public Guid CustomerId { get; set; } }
    private sealed class BadDirectory { public string Code { get; set; } = ""; public Guid TenantId { get; set; } public Guid RowId { get; set; } }
    private sealed class BadKey : ITenantOwned { public Guid TenantId { get; set; } public Guid Id { get; set; } }
}

/// <summary>What Citus requires of a table, read from an EF model (docs/scaling.md, "Rules for the schema").</summary>
public static class CitusRules
{
    public static IEnumerable<(string Table, CitusTable Kind)> Tables(IModel model) =>
        Entities(model).Select(e => (e.GetTableName()!, Citus.KindOf(e))).Distinct();

    private static IEnumerable<IEntityType> Entities(IModel model) =>
        model.GetEntityTypes().Where(e => !e.IsOwned() && e.GetTableName() is not null && e.GetViewName() is null);

    public static List<string> Problems(IModel model)
    {
        var problems = new List<string>();
        foreach (var e in Entities(model))
        {
            var table = e.GetTableName()!;
            var kind = Citus.KindOf(e);
            if (kind == CitusTable.Reference)
            {
                foreach (var fk in e.GetForeignKeys().Where(fk => Citus.KindOf(fk.PrincipalEntityType) == CitusTable.Distributed))
                    problems.Add($"reference table {table} points at distributed table {fk.PrincipalEntityType.GetTableName()}: a copy on every node cannot reference rows that live on one");
                continue;
            }
            if (e.FindProperty(nameof(ITenantOwned.TenantId)) is null)
            {
                problems.Add($"{table} is distributed but has no tenant_id");
                continue;
            }
            if (Columns(e.FindPrimaryKey()!.Properties).FirstOrDefault() != "tenant_id")
                problems.Add($"{table}'s primary key must start with tenant_id");
            foreach (var key in e.GetKeys().Where(k => !k.IsPrimaryKey() && !Columns(k.Properties).Contains("tenant_id")))
                problems.Add($"unique key {key.GetName()} on {table} must include tenant_id (a sharded table is unique only per shard)");
            foreach (var index in e.GetIndexes().Where(i => i.IsUnique && !Columns(i.Properties).Contains("tenant_id")))
                problems.Add($"unique index {index.GetDatabaseName()} on {table} must include tenant_id (a sharded table is unique only per shard)");
            foreach (var fk in e.GetForeignKeys().Where(fk => Citus.KindOf(fk.PrincipalEntityType) == CitusTable.Distributed))
            {
                var from = Columns(fk.Properties);
                var to = Columns(fk.PrincipalKey.Properties);
                var i = from.IndexOf("tenant_id");
                if (i < 0 || to.ElementAtOrDefault(i) != "tenant_id")
                    problems.Add($"foreign key {table} → {fk.PrincipalEntityType.GetTableName()} must pair tenant_id with tenant_id (co-located shards)");
            }
        }
        return problems;
    }

    private static List<string> Columns(IEnumerable<IProperty> properties) => properties.Select(p => p.GetColumnName()).ToList();
}
