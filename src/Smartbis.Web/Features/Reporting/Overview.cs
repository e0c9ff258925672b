using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Automations;

namespace Smartbis.Web.Features.Reporting;

/// <summary>
/// The overview's figures for a range of local days (inclusive) and optionally one store, read from the roll-up only
/// (as fresh as its last run): sums from <see cref="DailyStats"/>; the distinct-customer figures (active members, buying
/// customers, repeat-purchase rate) of the whole business from <see cref="DailyBuyers"/>, exactly, in a few hundred rows a
/// day whatever the range; those of one store counted from that store's purchases (index on tenant, store, occurred_at).
/// Figures that belong to no store (members, bonuses, expiry, vouchers issued, liability, messages) are always business-wide.
/// Messages are counted by when they were created, by outcome (sent = handed over, delivered or read; failed = gave up or bounced).
/// </summary>
public static class Overview
{
    public sealed record Figures(
        int Members, int NewMembers, int ActiveMembers30, int Purchases, long RevenueCents, long AverageTicketCents,
        long EarnedCents, long BonusCents, long RedeemedCents, long ExpiredCents, long LiabilityCents,
        double? RedemptionRate, double? RepeatPurchaseRate, int VouchersIssued, long VouchersIssuedCents,
        int VouchersRedeemed, long VouchersRedeemedCents, int ReferralConversions, int BuyingCustomers, int MessagesSent, int MessagesFailed);

    public sealed record Point(DateOnly Day, long EarnedCents, long RedeemedCents, long ExpiredCents, int Purchases, long RevenueCents, int Members, long LiabilityCents);

    public sealed record Result(Figures Figures, IReadOnlyList<Point> Series);

    /// <summary>One day's sums; Mine: the rows of the chosen store (or of every store when none is chosen).</summary>
    private sealed record Cell(DateOnly Day, bool Mine, int Purchases, long Revenue, long Earned, long Redeemed, int VouchersRedeemed,
        long VouchersRedeemedCents, long Bonus, long Expired, int VouchersIssued, long VouchersIssuedCents, long Liability, int Members, int Referred);

    public static async Task<Result> LoadAsync(SmartbisDb db, string timeZone, DateOnly from, DateOnly to, Guid? storeId, CancellationToken ct = default)
    {
        // Days before the range collapse into one bucket: the opening members and liability. Per day, the chosen store's
        // rows and the others' are summed apart (at most two rows a day, whatever the number of stores).
        var cells = await db.DailyStats.Where(s => s.Day <= to)
            .GroupBy(s => new { Day = s.Day < from ? DateOnly.MinValue : s.Day, Mine = storeId == null || s.StoreId == storeId })
            .Select(g => new Cell(g.Key.Day, g.Key.Mine, g.Sum(s => s.Purchases), g.Sum(s => s.RevenueCents), g.Sum(s => s.EarnedCents),
                g.Sum(s => s.RedeemedCents), g.Sum(s => s.VouchersRedeemed), g.Sum(s => s.VouchersRedeemedCents), g.Sum(s => s.BonusCents),
                g.Sum(s => s.ExpiredCents), g.Sum(s => s.VouchersIssued), g.Sum(s => s.VouchersIssuedCents), g.Sum(s => s.LiabilityDeltaCents),
                g.Sum(s => s.NewMembers), g.Sum(s => s.ReferredMembers)))
            .ToListAsync(ct);
        var rows = cells.GroupBy(c => c.Day).Select(g =>
        {
            var mine = g.Where(c => c.Mine).ToList();
            return new Cell(g.Key, true, mine.Sum(c => c.Purchases), mine.Sum(c => c.Revenue), mine.Sum(c => c.Earned),
                mine.Sum(c => c.Redeemed), mine.Sum(c => c.VouchersRedeemed), mine.Sum(c => c.VouchersRedeemedCents),
                g.Sum(c => c.Bonus), g.Sum(c => c.Expired), g.Sum(c => c.VouchersIssued), g.Sum(c => c.VouchersIssuedCents),
                g.Sum(c => c.Liability), g.Sum(c => c.Members), g.Sum(c => c.Referred));
        }).ToList();
        var before = rows.SingleOrDefault(r => r.Day == DateOnly.MinValue);
        var inRange = rows.Where(r => r.Day != DateOnly.MinValue).ToDictionary(r => r.Day);

        var series = new List<Point>();
        int members = before?.Members ?? 0;
        long liability = before?.Liability ?? 0;
        for (var d = from; d <= to; d = d.AddDays(1))
        {
            inRange.TryGetValue(d, out var r);
            members += r?.Members ?? 0;
            liability += r?.Liability ?? 0;
            series.Add(new Point(d, r?.Earned ?? 0, r?.Redeemed ?? 0, r?.Expired ?? 0, r?.Purchases ?? 0, r?.Revenue ?? 0, members, liability));
        }
        var list = inRange.Values;
        var purchases = list.Sum(r => r.Purchases);
        var revenue = list.Sum(r => r.Revenue);
        var earned = list.Sum(r => r.Earned);
        var bonus = list.Sum(r => r.Bonus);
        var redeemed = list.Sum(r => r.Redeemed);

        // Distinct customers, exact: the whole business from the roll-up, one store from its own purchases.
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        var (start, end) = (StartOf(from, zone), StartOf(to.AddDays(1), zone));
        var activeFrom = to.AddDays(-29);
        var tenantId = db.Tenant.Require();
        var distinct = storeId is { } store
            ? await db.Database.SqlQuery<Distinct>($"""
                SELECT count(*) FILTER (WHERE active) AS active, count(*) FILTER (WHERE n >= 1) AS buyers, count(*) FILTER (WHERE n >= 2) AS repeaters
                FROM (SELECT customer_id, bool_or(occurred_at >= {StartOf(activeFrom, zone)}) AS active, count(*) FILTER (WHERE occurred_at >= {start}) AS n
                      FROM purchases
                      WHERE tenant_id = {tenantId} AND store_id = {store} AND occurred_at >= {StartOf(Min(from, activeFrom), zone)} AND occurred_at < {end}
                      GROUP BY customer_id) c
                """).SingleAsync(ct)
            // A customer bought in [from, to] once per purchase there whose previous one is before from; bought k times,
            // k − 1 purchases have their previous one in the range and max(k − 2, 0) the one two back: the difference is
            // 1 exactly for customers who bought twice or more.
            : await db.Database.SqlQuery<Distinct>($"""
                SELECT coalesce(sum(purchases) FILTER (WHERE back = 1 AND day >= {activeFrom} AND since_day < {activeFrom}), 0)::bigint AS active,
                       coalesce(sum(purchases) FILTER (WHERE back = 1 AND day >= {from} AND since_day < {from}), 0)::bigint AS buyers,
                       (coalesce(sum(purchases) FILTER (WHERE back = 1 AND day >= {from} AND since_day >= {from}), 0)
                        - coalesce(sum(purchases) FILTER (WHERE back = 2 AND day >= {from} AND since_day >= {from}), 0))::bigint AS repeaters
                FROM daily_buyers
                WHERE tenant_id = {tenantId} AND day >= {Min(from, activeFrom)} AND day <= {to}
                """).SingleAsync(ct);
        var (active, buyers, repeaters) = ((int)distinct.Active, (int)distinct.Buyers, (int)distinct.Repeaters);

        // Only the statuses counted, in the words of the partial index ix_messages_outcomes (MessageConfiguration.OutcomeFilter),
        // so the planner reads that index alone and skips the messages still waiting.
        var outcomes = await db.Messages.Where(m => m.CreatedAt >= start && m.CreatedAt < end
                && (m.Status == MessageStatus.Sent || m.Status == MessageStatus.Delivered || m.Status == MessageStatus.Read
                    || m.Status == MessageStatus.Failed || m.Status == MessageStatus.Bounced))
            .GroupBy(m => m.Status).Select(g => new { Status = g.Key, Count = g.Count() }).ToListAsync(ct);
        int Count(params MessageStatus[] statuses) => outcomes.Where(o => statuses.Contains(o.Status)).Sum(o => o.Count);

        var figures = new Figures(
            Members: members, NewMembers: list.Sum(r => r.Members), ActiveMembers30: active, Purchases: purchases, RevenueCents: revenue,
            AverageTicketCents: purchases == 0 ? 0 : Infrastructure.Money.DivideHalfUp(revenue, purchases),
            EarnedCents: earned, BonusCents: bonus, RedeemedCents: redeemed, ExpiredCents: list.Sum(r => r.Expired), LiabilityCents: liability,
            RedemptionRate: earned + bonus == 0 ? null : (double)redeemed / (earned + bonus),
            RepeatPurchaseRate: buyers == 0 ? null : (double)repeaters / buyers,
            VouchersIssued: list.Sum(r => r.VouchersIssued), VouchersIssuedCents: list.Sum(r => r.VouchersIssuedCents),
            VouchersRedeemed: list.Sum(r => r.VouchersRedeemed), VouchersRedeemedCents: list.Sum(r => r.VouchersRedeemedCents),
            ReferralConversions: list.Sum(r => r.Referred), BuyingCustomers: buyers,
            MessagesSent: Count(MessageStatus.Sent, MessageStatus.Delivered, MessageStatus.Read),
            MessagesFailed: Count(MessageStatus.Failed, MessageStatus.Bounced));
        return new Result(figures, series);
    }

    /// <summary>Read by EF with the snake_case naming of the model: columns active, buyers, repeaters.</summary>
    private sealed record Distinct(long Active, long Buyers, long Repeaters);

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    /// <summary>The UTC instant a local day starts in the zone.</summary>
    public static DateTimeOffset StartOf(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }

    /// <summary>Today in the zone.</summary>
    public static DateOnly Today(DateTimeOffset now, string timeZone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById(timeZone)).DateTime);
}
