using Npgsql;
using Smartbis.Tests.Infrastructure;

namespace Smartbis.Tests.Security;

/// <summary>
/// Row counts and a checksum (md5 of every row's text, in a stable order) of every table in the app's schema,
/// read as the server's superuser so that row-level security cannot hide rows from the comparison.
/// <see cref="OfTenantAsync"/> takes one tenant's rows (tables with tenant_id, its tenant row and its staff's user rows);
/// <see cref="OfDatabaseAsync"/> takes every row of every table. Columns or tables may be left out, each with a reason
/// the caller states.
/// </summary>
public static class DbSnapshot
{
    public sealed record Table(string Name, long Rows, string Checksum);

    /// <summary>Every table of the public schema holding rows of <paramref name="tenantId"/> (less <paramref name="ignoredRows"/>: table → SQL condition).</summary>
    public static Task<IReadOnlyDictionary<string, Table>> OfTenantAsync(DatabaseFixture fixture, Guid tenantId, IReadOnlyDictionary<string, string>? ignoredRows = null) =>
        TakeAsync(fixture, tenantId, null, new Dictionary<string, string>(), new Dictionary<string, string>(), ignoredRows);

    /// <summary>
    /// Every row of every table of the public schema, except the <paramref name="ignoredTables"/> and the
    /// <paramref name="ignoredColumns"/> ("table.column"); the values of both dictionaries are the reasons.
    /// With <paramref name="exceptTenant"/>, that tenant's rows (and its staff's user rows) are left out; with
    /// <paramref name="ignoredRows"/> (table → SQL condition), the rows matching the condition.
    /// </summary>
    public static Task<IReadOnlyDictionary<string, Table>> OfDatabaseAsync(DatabaseFixture fixture,
        IReadOnlyDictionary<string, string> ignoredTables, IReadOnlyDictionary<string, string> ignoredColumns, Guid? exceptTenant = null,
        IReadOnlyDictionary<string, string>? ignoredRows = null) =>
        TakeAsync(fixture, null, exceptTenant, ignoredTables, ignoredColumns, ignoredRows);

    /// <summary>The tables whose count or checksum differ, described for an assertion message.</summary>
    public static IReadOnlyList<string> Differences(IReadOnlyDictionary<string, Table> before, IReadOnlyDictionary<string, Table> after) =>
        before.Keys.Union(after.Keys).Order()
            .Where(t => !before.TryGetValue(t, out var b) || !after.TryGetValue(t, out var a) || a != b)
            .Select(t => $"{t}: {Describe(before.GetValueOrDefault(t))} → {Describe(after.GetValueOrDefault(t))}")
            .ToList();

    private static string Describe(Table? t) => t is null ? "(absent)" : $"{t.Rows} rows, {t.Checksum[..Math.Min(8, t.Checksum.Length)]}";

    private static async Task<IReadOnlyDictionary<string, Table>> TakeAsync(DatabaseFixture fixture, Guid? tenantId, Guid? exceptTenant,
        IReadOnlyDictionary<string, string> ignoredTables, IReadOnlyDictionary<string, string> ignoredColumns,
        IReadOnlyDictionary<string, string>? ignoredRows = null)
    {
        var cs = new NpgsqlConnectionStringBuilder(fixture.Server.AdminConnectionString)
        {
            Database = new NpgsqlConnectionStringBuilder(fixture.ConnectionString).Database, Pooling = false,
        }.ConnectionString;
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();

        var columns = new Dictionary<string, List<string>>();
        await using (var cmd = new NpgsqlCommand(
            """
            SELECT c.table_name, c.column_name FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.table_name <> '__EFMigrationsHistory'
            ORDER BY c.table_name, c.ordinal_position
            """, connection))
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync())
            {
                var (table, column) = (reader.GetString(0), reader.GetString(1));
                if (!columns.TryGetValue(table, out var list)) columns[table] = list = [];
                list.Add(column);
            }

        var result = new Dictionary<string, Table>();
        foreach (var (table, all) in columns)
        {
            if (ignoredTables.ContainsKey(table)) continue;
            var kept = all.Where(c => !ignoredColumns.ContainsKey($"{table}.{c}")).Select(c => $"\"{c}\"").ToList();
            string? where = null;
            if (tenantId is not null)
            {
                if (all.Contains("tenant_id")) where = "tenant_id = @t";
                else if (table == "tenants") where = "id = @t";
                else if (table == "users") where = "id IN (SELECT user_id FROM memberships WHERE tenant_id = @t)";
                else continue; // not a tenant's row
            }
            else if (exceptTenant is not null)
            {
                if (all.Contains("tenant_id")) where = "tenant_id <> @t";
                else if (table == "tenants") where = "id <> @t";
                else if (table == "users") where = "id NOT IN (SELECT user_id FROM memberships WHERE tenant_id = @t)";
            }
            // ignoredRows: table → an SQL condition on the rows left out.
            if (ignoredRows?.GetValueOrDefault(table) is { } skip) where = (where is null ? "" : where + " AND ") + $"NOT ({skip})";
            var row = $"ROW({string.Join(", ", kept)})::text";
            await using var cmd = new NpgsqlCommand(
                $"SELECT count(*), coalesce(md5(string_agg({row}, E'\\n' ORDER BY {row})), '-') FROM \"{table}\"" +
                (where is null ? "" : " WHERE " + where), connection);
            if ((tenantId ?? exceptTenant) is { } id) cmd.Parameters.AddWithValue("t", id);
            await using var reader = await cmd.ExecuteReaderAsync();
            await reader.ReadAsync();
            result[table] = new Table(table, reader.GetInt64(0), reader.GetString(1));
        }
        return result;
    }
}
