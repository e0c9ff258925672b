using System.Net.Sockets;
using Npgsql;

namespace Smartbis.Web.Infrastructure;

/// <summary>
/// "No database connection right now": the pool gave none in time (Npgsql's pool timeout), PostgreSQL refused a new
/// backend (53300 too_many_connections, 57P03 cannot_connect_now, 53000 insufficient_resources, a shutdown in progress),
/// or the connection was refused or broke (socket, I/O, class 08). Nothing the request asked for is wrong, and nothing
/// was committed by the statement that failed: the answer is 503 with Retry-After (API and pages), never 500.
/// </summary>
public static class DatabaseUnavailable
{
    /// <summary>Seconds a client is told to wait (Retry-After) before retrying.</summary>
    public const int RetryAfterSeconds = 2;

    private static readonly HashSet<string> States =
    [
        PostgresErrorCodes.TooManyConnections, PostgresErrorCodes.CannotConnectNow, PostgresErrorCodes.InsufficientResources,
        PostgresErrorCodes.AdminShutdown, PostgresErrorCodes.CrashShutdown, PostgresErrorCodes.OutOfMemory,
    ];

    public static bool Is(Exception? e)
    {
        for (var depth = 0; e is not null && depth < 16; e = e.InnerException, depth++)
        {
            switch (e)
            {
                case PostgresException pg:
                    return States.Contains(pg.SqlState) || pg.SqlState.StartsWith("08", StringComparison.Ordinal);
                case NpgsqlException { IsTransient: true }: // pool timeout (inner TimeoutException), socket and I/O failures
                    return true;
                case SocketException:
                    return true;
                case AggregateException agg when agg.InnerExceptions.Any(Is):
                    return true;
            }
        }
        return false;
    }

    public static void SetRetryAfter(HttpResponse response) =>
        response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
