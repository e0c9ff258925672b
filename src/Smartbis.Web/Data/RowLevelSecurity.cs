using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Smartbis.Web.Data;

/// <summary>
/// PostgreSQL row-level security, the second wall behind the tenant query filter (docs/reliability.md,
/// "Row-level security"). Every tenant-owned table allows a row only when its tenant_id equals the
/// transaction-local setting <c>app.tenant_id</c>; a few tables also allow reads while <c>app.cross_tenant</c>
/// is on, which only <see cref="CrossTenantRead"/> turns on.
/// </summary>
public static class RowLevelSecurity
{
    public const string TenantSetting = "app.tenant_id";
    public const string CrossTenantSetting = "app.cross_tenant";
    public const string TenantPolicy = "tenant_isolation";
    public const string CrossTenantPolicy = "cross_tenant_read";

    /// <summary>Sets both settings for the rest of the current transaction (created by the RowLevelSecurity migration).</summary>
    public const string SetContextProcedure = "public.smartbis_set_context";

    /// <summary>The tenant of the transaction: NULL (matching no row) when the setting is missing or empty.</summary>
    public const string CurrentTenantSql = $"NULLIF(current_setting('{TenantSetting}', true), '')::uuid";

    /// <summary>Enables and forces RLS on <paramref name="table"/> with the tenant policy (reads and writes).</summary>
    public static void EnableOn(MigrationBuilder m, string table)
    {
        m.Sql($"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;");
        // FORCE: the owner is bound too (superusers and BYPASSRLS roles are not; the migration role may be one).
        m.Sql($"ALTER TABLE {table} FORCE ROW LEVEL SECURITY;");
        m.Sql($"""
            CREATE POLICY {TenantPolicy} ON {table}
                USING (tenant_id = {CurrentTenantSql})
                WITH CHECK (tenant_id = {CurrentTenantSql});
            """);
    }

    /// <summary>Lets <see cref="CrossTenantRead"/> read (never write) <paramref name="table"/> across tenants.</summary>
    public static void AllowCrossTenantRead(MigrationBuilder m, string table) =>
        m.Sql($"""
            CREATE POLICY {CrossTenantPolicy} ON {table} FOR SELECT
                USING (current_setting('{CrossTenantSetting}', true) = 'on');
            """);

    /// <summary>
    /// The statement that carries the context of <paramref name="db"/> into the current transaction (and its lock bound, when
    /// it has one: <see cref="SmartbisDb.TransactionLockTimeout"/>); null when it has none.
    /// </summary>
    internal static string? SetContextSql(SmartbisDb db)
    {
        var tenant = db.Tenant.TenantId;
        var cross = db.CrossTenantPurpose is not null;
        if (tenant is null && !cross) return null;
        // A Guid formats as hex digits and dashes only: safe to inline, and no parameter to clash with the command's own.
        var tenantSql = tenant is { } id ? $"'{id:D}'::uuid" : "NULL";
        var call = $"CALL {SetContextProcedure}({tenantSql}, {(cross ? "true" : "false")});";
        // A utility statement like the CALL: no result set, no row count.
        return db.TransactionLockTimeout is { } wait ? call + "\n" + Features.Ledger.Idempotency.LockTimeoutSql(wait) : call;
    }
}

/// <summary>
/// Makes every command of a <see cref="SmartbisDb"/> run with its tenant (and cross-tenant flag) set in the
/// command's own transaction, whether EF opened an implicit transaction or the code began one:
/// - queries and raw SQL: the command text is prefixed with the <c>CALL</c> (one statement more in the same
///   round trip; <c>CALL</c> returns no result set, so readers, scalars and row counts are unchanged); in a
///   transaction the code began, only the first command that needs it carries it (the setting is transaction-local);
/// - SaveChanges batches: EF reads each statement's row count by position, so a prefix would shift them; instead
///   SaveChanges always runs in a transaction (<see cref="SmartbisDb"/>) and the <c>CALL</c> runs just before the
///   batch in that transaction — unless a prefixed command of the same transaction already set the same context.
///   (Only prefixed commands count: EF wraps SaveChanges in an existing transaction in a savepoint, and a failed
///   save rolls back to it, taking a CALL made inside it along. The app creates no savepoints of its own.)
/// A context with no tenant and no cross-tenant read sends nothing: the setting is then empty and every
/// tenant table shows no rows.
/// <para>
/// On a Citus cluster (<see cref="ForCitus"/>) the coordinator sends a <c>SET LOCAL</c> to the workers only inside a
/// transaction block, and a command outside any transaction runs on the worker without one: such a command is sent as
/// <c>BEGIN; CALL …; command; COMMIT</c> (if it fails, the interceptor rolls the block back), so the shards' row-level
/// security sees the tenant too. On one PostgreSQL nothing changes.
/// </para>
/// </summary>
public sealed class TenantSessionInterceptor : DbCommandInterceptor
{
    public static readonly TenantSessionInterceptor Instance = new(citus: false);
    public static readonly TenantSessionInterceptor ForCitus = new(citus: true);

    private readonly bool citus;

    private TenantSessionInterceptor(bool citus) => this.citus = citus;

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Apply(command, eventData);
        return result;
    }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await ApplyAsync(command, eventData, cancellationToken);
        return result;
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Apply(command, eventData);
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await ApplyAsync(command, eventData, cancellationToken);
        return result;
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Apply(command, eventData);
        return result;
    }

    public override async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        await ApplyAsync(command, eventData, cancellationToken);
        return result;
    }

    // A failed command may not have reached the server: the next command of its transaction carries the CALL again.
    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData)
    {
        Forget(eventData);
        if (IsWrapped(command)) RollBackWrapped(command);
    }

    public override async Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData);
        if (IsWrapped(command)) await RollBackWrappedAsync(command);
    }

    private const string WrapStart = "BEGIN;\n";

    private bool IsWrapped(DbCommand command) => citus && command.CommandText.StartsWith(WrapStart, StringComparison.Ordinal);

    // The wrapped block failed half way: the connection sits in an aborted transaction until it is rolled back.
    private static void RollBackWrapped(DbCommand command)
    {
        try
        {
            if (command.Connection is not { State: System.Data.ConnectionState.Open } c) return;
            using var rollback = c.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            rollback.ExecuteNonQuery();
        }
        catch (DbException)
        {
            // The connection is broken: the pool discards it.
        }
    }

    private static async Task RollBackWrappedAsync(DbCommand command)
    {
        try
        {
            if (command.Connection is not { State: System.Data.ConnectionState.Open } c) return;
            await using var rollback = c.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync();
        }
        catch (DbException)
        {
            // The connection is broken: the pool discards it.
        }
    }

    private static void Forget(CommandEventData e)
    {
        if (e.Context is SmartbisDb db) db.ContextSetByPrefix = null;
    }

    private void Apply(DbCommand command, CommandEventData e)
    {
        if (Prepare(command, e) is { } separate)
        {
            using var set = separate;
            set.ExecuteNonQuery();
        }
    }

    private async Task ApplyAsync(DbCommand command, CommandEventData e, CancellationToken ct)
    {
        if (Prepare(command, e) is { } separate)
        {
            await using var set = separate;
            await set.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Prefixes the command, or returns the separate command to run first (SaveChanges batches).</summary>
    private DbCommand? Prepare(DbCommand command, CommandEventData e)
    {
        if (e.Context is not SmartbisDb db || RowLevelSecurity.SetContextSql(db) is not { } sql) return null;
        if (e.CommandSource != CommandSource.SaveChanges)
        {
            if (db.Database.CurrentTransaction is { } tx)
            {
                // Already set by an earlier command of this transaction: the setting lasts until it ends (any error
                // aborts the whole transaction, and the app makes no savepoints a query could roll back to).
                if (db.ContextSetByPrefix == (tx.TransactionId, sql)) return null;
                // Keyed by EF's transaction id: Npgsql recycles its transaction objects, a new id is a new transaction.
                db.ContextSetByPrefix = (tx.TransactionId, sql);
            }
            else if (citus && command.Transaction is null)
            {
                var body = command.CommandText.TrimEnd();
                command.CommandText = WrapStart + sql + "\n" + body + (body.EndsWith(';') ? "" : ";") + "\nCOMMIT;";
                return null;
            }
            command.CommandText = sql + "\n" + command.CommandText;
            return null;
        }
        if (command.Transaction is null)
            throw new InvalidOperationException("SaveChanges with a tenant set must run in a transaction (SmartbisDb sets AutoTransactionBehavior.Always).");
        if (db.Database.CurrentTransaction is { } current && db.ContextSetByPrefix == (current.TransactionId, sql)) return null;
        var set = command.Connection!.CreateCommand();
        set.Transaction = command.Transaction;
        set.CommandText = sql;
        return set;
    }
}
