using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;

namespace Smartbis.Web.Features.Plans;

/// <summary>An event counter of <see cref="UsageMonth"/>.</summary>
public enum UsageCounter { MembersJoined, Purchases, EmailsSent, WhatsAppSent, ApiCalls }

/// <summary>
/// Adds to a tenant's month of usage with one atomic upsert (<c>INSERT … ON CONFLICT DO UPDATE SET n = n + delta</c>):
/// concurrent events on any node add up exactly. Called inside the event's own transaction, as its last statement so the
/// month's row is locked only until the commit.
/// </summary>
public static class Usage
{
    /// <summary>
    /// As <see cref="AddAsync(SmartbisDb, DateTimeOffset, UsageCounter, long, CancellationToken)"/>, sent just before the
    /// unit's commit (<see cref="SmartbisDb.BeforeCommit"/>): every purchase of a tenant adds to the same row, so each
    /// holds its lock only for that statement and the commit. Concurrent purchases of one tenant used to queue on it for
    /// their whole save (5 ms per purchase at 32 clients: docs/performance.md).
    /// </summary>
    public static void AddBeforeCommit(SmartbisDb db, DateTimeOffset at, UsageCounter counter, long delta = 1) =>
        db.BeforeCommit(ct => AddAsync(db, at, counter, delta, ct));

    public static Task AddAsync(SmartbisDb db, DateTimeOffset at, UsageCounter counter, long delta = 1, CancellationToken ct = default) =>
        AddAsync(db, db.Tenant.Require(), at, counter, delta, ct);

    public static Task AddAsync(SmartbisDb db, Guid tenantId, DateTimeOffset at, UsageCounter counter, long delta = 1, CancellationToken ct = default)
    {
        var month = PlanLimits.MonthOf(at);
        // The column name comes from the enum, never from input.
        var column = counter switch
        {
            UsageCounter.MembersJoined => "members_joined",
            UsageCounter.Purchases => "purchases",
            UsageCounter.EmailsSent => "emails_sent",
            UsageCounter.WhatsAppSent => "whats_app_sent",
            _ => "api_calls",
        };
        // The other columns start at zero (they have no database default: EF's model says they are required).
        var others = string.Join(", ", Columns.Where(c => c != column));
        var zeros = string.Join(", ", Columns.Where(c => c != column).Select(_ => "0"));
#pragma warning disable EF1002 // the column names are the constants of this class, never input
        return db.Database.ExecuteSqlRawAsync($"""
            INSERT INTO usage_months (tenant_id, month, {column}, {others})
            VALUES (@p0, @p1, @p2, {zeros})
            ON CONFLICT (tenant_id, month) DO UPDATE SET {column} = usage_months.{column} + excluded.{column}
            """, [tenantId, month, delta], ct);
#pragma warning restore EF1002
    }

    private static readonly string[] Columns =
        ["members_joined", "purchases", "emails_sent", "whats_app_sent", "api_calls", "members", "active_members", "stores", "staff"];
}
