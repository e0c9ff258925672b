using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Programs;

namespace Smartbis.Web.Features.Results;

/// <summary>
/// The results page's figures for the members who joined in a range of months, read from the roll-ups only
/// (<see cref="ResultCohort"/>, <see cref="ResultCohortMonth"/>, <see cref="ResultMonth"/>, the overview's daily_buyers):
/// a few hundred rows whatever the number of members. Members vs the control group with <see cref="Statistics"/>,
/// incremental revenue, cost and ROI, identified vs walk-in sales, retention by month of joining, repeat rate and the
/// median time between purchases.
/// </summary>
public static class ResultsReport
{
    /// <summary>A return rate is "enough" when its 95% interval is at most ± this (15 percentage points).</summary>
    public const double ProportionTolerance = 0.15;

    /// <summary>A per-member mean is "enough" when its 95% interval is at most ± this share of the larger group mean.</summary>
    public const double MeanTolerance = 0.5;

    public sealed record Incremental(double Cents, double LowCents, double HighCents, long TreatedMembers, bool Enough);

    public sealed record Cost(long RewardsGivenCents, long RewardsRedeemedCents, long VouchersRedeemedCents, long Emails, long WhatsApps,
        long EmailCostCents, long WhatsAppCostCents)
    {
        public long MessagesCents => Emails * EmailCostCents + WhatsApps * WhatsAppCostCents;
        /// <summary>What the program cost for the treated members: rewards given plus messages.</summary>
        public long TotalCents => RewardsGivenCents + MessagesCents;
    }

    /// <summary>(incremental revenue − cost) ÷ cost, with the interval carried from the incremental revenue's.</summary>
    public sealed record Roi(double Value, double Low, double High, bool Enough);

    public sealed record Month(DateOnly Start, int IdentifiedPurchases, long IdentifiedRevenueCents, int WalkInPurchases, long WalkInRevenueCents);

    /// <summary>A month of joining: its members and, per month after it, the share who bought (null: not reached yet).</summary>
    public sealed record Cohort(DateOnly JoinMonth, int Members, double?[] Retention);

    public sealed record Result(
        DateOnly FromMonth, DateOnly ToMonth, ResultsSettings? Settings, IReadOnlyList<ControlGroup.Period> Periods,
        Comparison Return30, Comparison Return60, Comparison Return90,
        Comparison PurchasesPerMember, Comparison AverageTicket, Comparison RevenuePerMember,
        long TreatedMembers, long ControlMembers, Incremental IncrementalRevenue, Cost ProgramCost, Roi? ReturnOnInvestment,
        IReadOnlyList<Month> Months, IReadOnlyList<Cohort> Cohorts, double? RepeatPurchaseRate, double? MedianDaysBetweenPurchases,
        RewardType RewardType, long CostPerPointCents)
    {
        public bool Measuring => Periods.Count > 0;
    }

    public static async Task<Result> LoadAsync(SmartbisDb db, DateOnly fromMonth, DateOnly toMonth, DateOnly today, CancellationToken ct = default)
    {
        var tenantId = db.Tenant.Require();
        var tz = await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.TimeZone).SingleAsync(ct);
        var versions = await db.Set<ResultsSettings>().AsNoTracking().OrderBy(s => s.Version).ToListAsync(ct);
        var settings = versions.LastOrDefault();
        var rules = await db.ProgramRules.AsNoTracking().OrderByDescending(r => r.Version)
            .Select(r => new { r.RewardType, r.CostPerPointCents }).FirstOrDefaultAsync(ct);
        var type = rules?.RewardType ?? RewardType.Cashback;
        var costPerPoint = rules?.CostPerPointCents ?? 0;

        var cohorts = await db.Set<ResultCohort>().AsNoTracking().Where(c => c.JoinMonth >= fromMonth && c.JoinMonth <= toMonth).ToListAsync(ct);
        var t = cohorts.Where(c => !c.InControlGroup).ToList();
        var c = cohorts.Where(c => c.InControlGroup).ToList();

        Comparison Rate(Func<ResultCohort, int> hits, Func<ResultCohort, int> n) =>
            Statistics.CompareProportions(t.Sum(hits), t.Sum(n), c.Sum(hits), c.Sum(n), ProportionTolerance);
        static Comparison Means(Sample treated, Sample control) =>
            Statistics.CompareMeans(treated, control, MeanTolerance * Math.Max(Math.Abs(treated.Mean), Math.Abs(control.Mean)));
        Sample PerMember(List<ResultCohort> g, Func<ResultCohort, double> sum, Func<ResultCohort, double> squares) =>
            Sample.FromSums(g.Sum(x => (long)x.Eligible90), g.Sum(sum), g.Sum(squares));
        Sample Ticket(List<ResultCohort> g) => Sample.FromSums(g.Sum(x => x.Purchases), g.Sum(x => (double)x.RevenueCents), g.Sum(x => x.TicketSquares));

        var revenue = Means(PerMember(t, x => x.RevenueCents, x => x.RevenueSquares), PerMember(c, x => x.RevenueCents, x => x.RevenueSquares));
        var treatedMembers = t.Sum(x => (long)x.Eligible90);
        var incremental = new Incremental(revenue.Difference * treatedMembers, revenue.Low * treatedMembers, revenue.High * treatedMembers,
            treatedMembers, revenue.Enough);
        long Value(long units) => RewardUnits.ValueInCents(units, type, costPerPoint);
        var cost = new Cost(Value(t.Sum(x => x.CreditedUnits)), Value(t.Sum(x => x.RedeemedUnits)), t.Sum(x => x.VouchersRedeemedCents),
            t.Sum(x => (long)x.Emails), t.Sum(x => (long)x.WhatsApps), settings?.EmailCostCents ?? 0, settings?.WhatsAppCostCents ?? 0);
        Roi? roi = cost.TotalCents <= 0 || treatedMembers == 0 ? null
            : new Roi((incremental.Cents - cost.TotalCents) / cost.TotalCents, (incremental.LowCents - cost.TotalCents) / cost.TotalCents,
                (incremental.HighCents - cost.TotalCents) / cost.TotalCents, incremental.Enough);

        var months = await db.Set<ResultMonth>().AsNoTracking().Where(m => m.Month >= fromMonth && m.Month <= toMonth).OrderBy(m => m.Month)
            .Select(m => new Month(m.Month, m.IdentifiedPurchases, m.IdentifiedRevenueCents, m.WalkInPurchases, m.WalkInRevenueCents)).ToListAsync(ct);

        var cells = await db.Set<ResultCohortMonth>().AsNoTracking().Where(m => m.JoinMonth >= fromMonth && m.JoinMonth <= toMonth).ToListAsync(ct);
        var heat = cells.GroupBy(x => x.JoinMonth).OrderBy(g => g.Key).Select(g =>
        {
            var size = g.Max(x => x.Members);
            var retention = new double?[RollUpResults.MaxMonthOffset + 1];
            foreach (var cell in g) retention[cell.MonthOffset] = size == 0 ? null : (double)cell.Active / size;
            return new Cohort(g.Key, size, retention);
        }).ToList();

        var (repeat, median) = await BuyingHabitsAsync(db, tenantId, fromMonth, LastDay(toMonth) < today ? LastDay(toMonth) : today, ct);

        return new Result(fromMonth, toMonth, settings, ControlGroup.Periods(versions, tz),
            Rate(x => x.Returned30, x => x.Eligible30), Rate(x => x.Returned60, x => x.Eligible60), Rate(x => x.Returned90, x => x.Eligible90),
            Means(PerMember(t, x => x.Purchases, x => x.PurchasesSquares), PerMember(c, x => x.Purchases, x => x.PurchasesSquares)),
            Means(Ticket(t), Ticket(c)), revenue,
            treatedMembers, c.Sum(x => (long)x.Eligible90), incremental, cost, roi, months, heat, repeat, median, type, costPerPoint);
    }

    public static DateOnly LastDay(DateOnly month) => month.AddMonths(1).AddDays(-1);

    private sealed record Gap(int Days, long Purchases);

    /// <summary>
    /// From the overview's daily_buyers roll-up: the repeat-purchase rate of the period (customers who bought twice or more ÷
    /// customers who bought, the overview's formula) and the median days between a purchase and the same customer's previous one.
    /// </summary>
    private static async Task<(double? Repeat, double? Median)> BuyingHabitsAsync(SmartbisDb db, Guid tenantId, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var counts = await db.Database.SqlQuery<Counts>($"""
            SELECT coalesce(sum(purchases) FILTER (WHERE back = 1 AND since_day < {from}), 0)::bigint AS buyers,
                   (coalesce(sum(purchases) FILTER (WHERE back = 1 AND since_day >= {from}), 0)
                    - coalesce(sum(purchases) FILTER (WHERE back = 2 AND since_day >= {from}), 0))::bigint AS repeaters
            FROM daily_buyers WHERE tenant_id = {tenantId} AND day >= {from} AND day <= {to}
            """).SingleAsync(ct);
        var gaps = await db.Database.SqlQuery<Gap>($"""
            SELECT (day - since_day) AS days, sum(purchases)::bigint AS purchases
            FROM daily_buyers WHERE tenant_id = {tenantId} AND day >= {from} AND day <= {to} AND back = 1 AND since_day <> DATE '0001-01-01'
            GROUP BY 1 ORDER BY 1
            """).ToListAsync(ct); // DailyBuyers.None as a literal: Npgsql would send DateOnly.MinValue as -infinity
        return (counts.Buyers == 0 ? null : (double)counts.Repeaters / counts.Buyers, Median(gaps));
    }

    private sealed record Counts(long Buyers, long Repeaters);

    private static double? Median(List<Gap> gaps)
    {
        var total = gaps.Sum(g => g.Purchases);
        if (total == 0) return null;
        // The middle value (the mean of the two middle ones for an even count) of the gaps, from their counts.
        double At(long index)
        {
            long seen = 0;
            foreach (var g in gaps) { seen += g.Purchases; if (index < seen) return g.Days; }
            return gaps[^1].Days;
        }
        return total % 2 == 1 ? At(total / 2) : (At(total / 2 - 1) + At(total / 2)) / 2;
    }
}
