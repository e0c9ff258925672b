using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;

namespace Smartbis.Web.Features.Plans;

/// <summary>An event counter of <see cref="UsageMonth"/>.</summary>
public enum UsageCounter { MembersJoined, Purchases, EmailsSent, WhatsAppSent, ApiCalls }

/// <summary>
/// Adds to a tenant's month of usage with one atomic upsert (<c>INSERT … ON CONFLICT DO UPDATE SET n = n + delta</c>):
/// concurrent events on any node add up exactly. Called inside the event's own transaction (a join, messages sent), or by
/// <see cref="UsageMeter"/> with a node's counts of the busiest events (API calls, purchases).
/// </summary>
public static class Usage
{
    /// <summary>
    /// Counts an event of a unit once the unit has committed (<see cref="SmartbisDb.AfterCommit"/>), in this node's
    /// <see cref="UsageMeter"/>: every purchase of a tenant would otherwise add to the same row in its transaction and hold
    /// that row's lock through its commit, so the tenant's purchases went one commit at a time.
    /// </summary>
    public static void CountAfterCommit(SmartbisDb db, DateTimeOffset at, UsageCounter counter, long delta = 1)
    {
        var tenantId = db.Tenant.Require();
        db.AfterCommit(services => services.GetRequiredService<UsageMeter>().Count(tenantId, at, counter, delta));
    }

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
