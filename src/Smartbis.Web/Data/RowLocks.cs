using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Smartbis.Web.Data;

/// <summary>
/// <c>SELECT … FOR UPDATE</c> on an ordinary LINQ query. EF Core has no locking operator, and a parameterized
/// <c>FromSql</c> query cannot be cached: EF generates its SQL again on every run, under a lock every concurrent run of that
/// query waits on (about 6% of the app's CPU per purchase, measured: docs/performance.md). So a locking read is a LINQ
/// query tagged by <see cref="ForUpdate{T}"/>, and <see cref="RowLockInterceptor"/> appends the locking clause to its SQL.
/// </summary>
public static class RowLocks
{
    internal const string Tag = "smartbis:for-update";

    /// <summary>
    /// Locks the rows the query returns until the transaction ends (only inside one). <paramref name="of"/> names the table
    /// alias to lock when the query joins others (EF names a table by its first letter: <c>accounts AS a</c>).
    /// </summary>
    public static IQueryable<T> ForUpdate<T>(this IQueryable<T> query, string? of = null) =>
        query.TagWith(of is null ? Tag : $"{Tag} of {of}");
}

/// <summary>Appends <c>FOR UPDATE [OF alias]</c> to a command EF generated for a query tagged by <see cref="RowLocks.ForUpdate{T}"/>.</summary>
public sealed class RowLockInterceptor : DbCommandInterceptor
{
    public static readonly RowLockInterceptor Instance = new();

    private const string Marker = "-- " + RowLocks.Tag;

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Lock(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Lock(command);
        return ValueTask.FromResult(result);
    }

    private static void Lock(DbCommand command)
    {
        var sql = command.CommandText;
        if (!sql.StartsWith(Marker, StringComparison.Ordinal)) return;
        var line = sql[..sql.IndexOf('\n')].TrimEnd();
        var of = line.Length > Marker.Length ? line[(Marker.Length + " of ".Length)..] : null;
        // A wrong alias would lock nothing, or another table: refuse the query rather than run it unlocked.
        if (of is not null && !sql.Contains($" AS {of}\n", StringComparison.Ordinal) && !sql.Contains($" AS {of} ", StringComparison.Ordinal))
            throw new InvalidOperationException($"FOR UPDATE OF {of}: the query has no table aliased {of}.\n{sql}");
        command.CommandText = sql.TrimEnd().TrimEnd(';') + (of is null ? "\nFOR UPDATE" : $"\nFOR UPDATE OF {of}");
    }
}
