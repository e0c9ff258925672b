using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Results;

namespace Smartbis.Web.Features.Campaigns;

/// <summary>
/// A campaign's result against its own holdout: of each group (recipients = the audience outside the holdout, whether or
/// not a message could reach them; holdout = those held out), the share who bought in the N days after sending (return
/// rate: difference of proportions) and the revenue per member in those days, refunds deducted (Welch's t), each with its
/// 95% interval — "not enough data yet" while a group is under 30 or the interval is too wide. One indexed aggregate
/// over the campaign's recipients and their purchases in the window.
/// </summary>
public static class CampaignResult
{
    /// <summary>Return rate: enough when the interval is within ±15 points.</summary>
    public const double MaxRateHalfWidth = 0.15;

    public sealed record Group(long Members, long Returned, double Revenue, double RevenueSquares);

    public sealed record Result(DateTimeOffset From, DateTimeOffset To, bool Complete, Group Recipients, Group Holdout,
        Comparison ReturnRate, Comparison RevenuePerMember);

    public static async Task<Result?> MeasureAsync(SmartbisDb db, Campaign c, DateTimeOffset now, CancellationToken ct = default)
    {
        if ((c.SentAt ?? c.PlannedAt) is not { } from) return null;
        var end = from.AddDays(c.MeasureDays);
        var to = end < now ? end : now;
        var tenantId = c.TenantId;
        var rows = await db.Database.SqlQuery<Row>($"""
            SELECT r.holdout AS holdout, count(*) AS members, count(*) FILTER (WHERE p.n > 0) AS returned,
                   coalesce(sum(p.spent), 0)::float8 AS revenue, coalesce(sum(p.spent::float8 * p.spent::float8), 0) AS revenue_squares
            FROM campaign_recipients r
            CROSS JOIN LATERAL (SELECT count(*) AS n, coalesce(sum(pu.amount_cents - pu.refunded_cents), 0) AS spent
                                FROM purchases pu
                                WHERE pu.tenant_id = {tenantId} AND pu.customer_id = r.customer_id
                                  AND pu.occurred_at >= {from} AND pu.occurred_at <= {to}) p
            WHERE r.tenant_id = {tenantId} AND r.campaign_id = {c.Id}
            GROUP BY r.holdout
            """).ToListAsync(ct);
        Group Of(bool holdout) => rows.Where(r => r.Holdout == holdout).Select(r => new Group(r.Members, r.Returned, r.Revenue, r.RevenueSquares))
            .SingleOrDefault() ?? new Group(0, 0, 0, 0);
        var (treated, control) = (Of(false), Of(true));
        var rate = Statistics.CompareProportions(treated.Returned, treated.Members, control.Returned, control.Members, MaxRateHalfWidth);
        var t = Sample.FromSums(treated.Members, treated.Revenue, treated.RevenueSquares);
        var k = Sample.FromSums(control.Members, control.Revenue, control.RevenueSquares);
        // Revenue per member: enough when the interval is no wider than the larger of the two means (±100 % of the level).
        var revenue = Statistics.CompareMeans(t, k, Math.Max(Math.Max(t.Mean, k.Mean), 1));
        return new Result(from, to, now >= end, treated, control, rate, revenue);
    }

    private sealed record Row(bool Holdout, long Members, long Returned, double Revenue, double RevenueSquares);
}
