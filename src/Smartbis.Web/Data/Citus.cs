using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Migrations;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Data;

/// <summary>How a table lives on a Citus cluster (docs/scaling.md).</summary>
public enum CitusTable
{
    /// <summary>Sharded by tenant_id, co-located with every other tenant table: a tenant's rows live together.</summary>
    Distributed,
    /// <summary>A full copy on every node: tenants, users and the other global tables.</summary>
    Reference,
}

/// <summary>
/// One schema for plain PostgreSQL and for a Citus cluster (docs/scaling.md). A migration that creates a table
/// declares its place in the same migration: <c>Citus.Distribute(migrationBuilder, "table")</c> or
/// <c>Citus.Reference(migrationBuilder, "table")</c>. The declaration is a row in <c>schema_distribution</c> (every
/// database has it) followed by <c>CALL smartbis_distribute()</c>, which does nothing without the citus extension
/// and otherwise distributes every declared table that is not yet distributed, in the order declared (drops the
/// foreign keys that touch them, distributes, puts the keys back). So the same migrations run on both, and an
/// existing database is distributed in place by installing Citus, adding workers and migrating again
/// (<see cref="DatabaseMigrator"/> calls the procedure after the migrations).
/// </summary>
public static class Citus
{
    public const string Annotation = "Smartbis:CitusTable";
    public const string RegistryTable = "schema_distribution";
    public const string DistributeProcedure = "public.smartbis_distribute";

    /// <summary>The kind of an entity's table: tenant-owned tables are distributed unless marked reference.</summary>
    public static CitusTable KindOf(IReadOnlyEntityType e) =>
        e.FindAnnotation(Annotation)?.Value is string s ? Enum.Parse<CitusTable>(s)
        : typeof(ITenantOwned).IsAssignableFrom(e.ClrType) ? CitusTable.Distributed : CitusTable.Reference;

    /// <summary>Marks a (tenant-owned) entity's table as a reference table: a small table every node needs whole.</summary>
    public static EntityTypeBuilder<T> IsCitusReferenceTable<T>(this EntityTypeBuilder<T> b) where T : class =>
        b.HasAnnotation(Annotation, nameof(CitusTable.Reference));

    public static void Distribute(MigrationBuilder m, params string[] tables) => Declare(m, CitusTable.Distributed, tables);

    public static void Reference(MigrationBuilder m, params string[] tables) => Declare(m, CitusTable.Reference, tables);

    /// <summary>
    /// First statement of a migration that changes a distributed table (a column, an index) and then creates a table with a
    /// key to a reference table: Citus runs the first in parallel over the shards and then refuses DDL on the reference
    /// table in the same transaction; one connection per node (sequential) allows both. Nothing on a plain database.
    /// </summary>
    public static void SequentialDdl(MigrationBuilder m) => m.Sql("""
        DO $$ BEGIN
          IF EXISTS (SELECT FROM pg_extension WHERE extname = 'citus') THEN
            PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);
          END IF;
        END $$;
        """);

    private static void Declare(MigrationBuilder m, CitusTable kind, string[] tables)
    {
        foreach (var table in tables)
            m.Sql($"""
                INSERT INTO {RegistryTable} (table_name, kind, position)
                VALUES ('{table}', '{kind.ToString().ToLowerInvariant()}', (SELECT coalesce(max(position), 0) + 1 FROM {RegistryTable}))
                ON CONFLICT (table_name) DO UPDATE SET kind = excluded.kind;
                """);
        m.Sql($"CALL {DistributeProcedure}();");
    }

    /// <summary>The registry and the procedure (created by the ScaleOutWithCitus migration; replaced by later ones if it changes).</summary>
    internal const string CreateRegistryAndProcedureSql = """
        CREATE TABLE IF NOT EXISTS schema_distribution (
            table_name text PRIMARY KEY,
            kind text NOT NULL CHECK (kind IN ('reference', 'distributed')),
            position int NOT NULL);
        CREATE OR REPLACE PROCEDURE public.smartbis_distribute()
        LANGUAGE plpgsql AS $proc$
        DECLARE
          t record;
          stmt text;
          fks text[];
          drops text[];
          anchor text;
        BEGIN
          IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus') THEN RETURN; END IF;
          CREATE TEMP TABLE smartbis_pending ON COMMIT DROP AS
            SELECT d.table_name, d.kind, d.position
            FROM schema_distribution d
            WHERE to_regclass('public.' || d.table_name) IS NOT NULL
              AND NOT EXISTS (SELECT FROM pg_dist_partition p WHERE p.logicalrelid = to_regclass('public.' || d.table_name)
                              AND CASE d.kind WHEN 'distributed' THEN p.partmethod = 'h' ELSE p.partmethod = 'n' AND p.repmodel = 't' END);
          IF NOT EXISTS (SELECT FROM smartbis_pending) THEN DROP TABLE smartbis_pending; RETURN; END IF;
          -- One connection per node for the rest of the transaction: DDL after reference-table writes must not go parallel.
          PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);
          -- ledger_entries carries the append-only trigger, which Citus then creates on every shard. That is safe: the
          -- trigger only raises an error; it reads and writes nothing, so it needs no other shard and no other node.
          PERFORM set_config('citus.enable_unsafe_triggers', 'on', true);
          -- Foreign keys that touch a table about to move are dropped and put back once every table has its place.
          -- (Names, not OIDs: Citus may recreate a table whose last key to a reference table goes.)
          SELECT coalesce(array_agg(format('ALTER TABLE %I ADD CONSTRAINT %I %s', r.relname, c.conname, pg_get_constraintdef(c.oid))), '{}'),
                 coalesce(array_agg(format('ALTER TABLE IF EXISTS %I DROP CONSTRAINT IF EXISTS %I', r.relname, c.conname)), '{}')
            INTO fks, drops
            FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid JOIN pg_class f ON f.oid = c.confrelid
            WHERE c.contype = 'f' AND (r.relname IN (SELECT table_name FROM smartbis_pending) OR f.relname IN (SELECT table_name FROM smartbis_pending));
          FOREACH stmt IN ARRAY drops LOOP EXECUTE stmt; END LOOP;
          FOR t IN SELECT * FROM smartbis_pending ORDER BY position LOOP
            -- A table Citus took into its metadata as a "citus local table" (a local table with a key to a reference table)
            -- becomes a plain table again first.
            -- (Dropping its keys may already have done that; the relation may be new, so always look it up by name.)
            IF EXISTS (SELECT FROM pg_dist_partition p WHERE p.logicalrelid = to_regclass('public.' || t.table_name)) THEN
              PERFORM undistribute_table(to_regclass('public.' || t.table_name));
            END IF;
            IF t.kind = 'reference' THEN
              PERFORM create_reference_table(to_regclass('public.' || t.table_name));
            ELSE
              SELECT d.table_name INTO anchor FROM schema_distribution d
                JOIN pg_dist_partition p ON p.logicalrelid = to_regclass('public.' || d.table_name) AND p.partmethod = 'h'
                WHERE d.kind = 'distributed' ORDER BY d.position LIMIT 1;
              PERFORM create_distributed_table(to_regclass('public.' || t.table_name), 'tenant_id', colocate_with => coalesce(anchor, 'default'));
            END IF;
          END LOOP;
          FOREACH stmt IN ARRAY fks LOOP EXECUTE stmt; END LOOP;
          DROP TABLE smartbis_pending;
        END
        $proc$;
        """;
}
