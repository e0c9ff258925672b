using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;

namespace Smartbis.Web.Features.Tiers;

/// <summary>
/// The one place that says which tiers version applies at a moment, what a member's qualifying amount is over the
/// rolling window, and when the reviews fall.
/// </summary>
public static class TiersInForce
{
    /// <summary>The version in force at a moment (the latest whose EffectiveFrom is not after it), or null: no tiers.</summary>
    public static Task<TierProgram?> AtAsync(SmartbisDb db, DateTimeOffset at, CancellationToken ct = default) =>
        db.Set<TierProgram>().AsNoTracking().Where(p => p.EffectiveFrom <= at).OrderByDescending(p => p.Version).FirstOrDefaultAsync(ct);

    /// <summary>The version in force, only when tiers are on and have levels.</summary>
    /// <remarks>
    /// Read on every purchase and customer read: every version is kept in the configuration cache (dropped when tiers change),
    /// and the one in force is picked here. Callers only read it.
    /// </remarks>
    public static async Task<TierProgram?> ActiveAtAsync(SmartbisDb db, DateTimeOffset at, CancellationToken ct = default)
    {
        var versions = await db.CachedAsync(db.Tenant.Require(), "tier-programs", () =>
            db.Set<TierProgram>().AsNoTracking().OrderByDescending(p => p.Version).ToListAsync(ct));
        return versions.FirstOrDefault(p => p.EffectiveFrom <= at) is { IsActive: true } p ? p : null;
    }

    /// <summary>The start of the rolling window that ends at <paramref name="at"/>.</summary>
    public static DateTimeOffset WindowStart(TierProgram p, DateTimeOffset at) => at.AddMonths(-p.WindowMonths);

    /// <summary>
    /// What qualifies over (from, to]: the spend of the customer's purchases less what was refunded, or the points they
    /// earned on purchases less what refunds reversed — by when each purchase happened.
    /// </summary>
    public static async Task<long> QualifyingAsync(SmartbisDb db, TierProgram p, Guid customerId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        var purchases = db.Purchases.Where(x => x.CustomerId == customerId && x.OccurredAt > from && x.OccurredAt <= to);
        return p.Measure == TierMeasure.Spend
            ? await purchases.SumAsync(x => x.AmountCents - x.RefundedCents, ct)
            : await purchases.SumAsync(x => x.EarnedCents - x.ReversedEarnCents, ct);
    }

    /// <summary>As <see cref="QualifyingAsync"/> for every customer who bought in (from, to].</summary>
    public static async Task<Dictionary<Guid, long>> QualifyingAllAsync(SmartbisDb db, TierProgram p, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        var purchases = db.Purchases.Where(x => x.OccurredAt > from && x.OccurredAt <= to).GroupBy(x => x.CustomerId);
        var rows = p.Measure == TierMeasure.Spend
            ? await purchases.Select(g => new { g.Key, Total = g.Sum(x => x.AmountCents - x.RefundedCents) }).ToListAsync(ct)
            : await purchases.Select(g => new { g.Key, Total = g.Sum(x => x.EarnedCents - x.ReversedEarnCents) }).ToListAsync(ct);
        return rows.ToDictionary(r => r.Key, r => r.Total);
    }

    public static TimeZoneInfo Zone(string id) => Infrastructure.Locales.Zone(id);

    /// <summary>The latest review moment at or before <paramref name="at"/>: local midnight of the period's first day.</summary>
    public static DateTimeOffset LastReview(ReviewPeriod period, DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone).DateTime;
        var month = period switch
        {
            ReviewPeriod.Monthly => local.Month,
            ReviewPeriod.Quarterly => (local.Month - 1) / 3 * 3 + 1,
            _ => 1,
        };
        return AtLocalMidnight(new DateTime(local.Year, month, 1), zone);
    }

    /// <summary>The first review moment after <paramref name="at"/>.</summary>
    public static DateTimeOffset NextReview(ReviewPeriod period, DateTimeOffset at, TimeZoneInfo zone)
    {
        var last = TimeZoneInfo.ConvertTime(LastReview(period, at, zone), zone).DateTime.Date;
        var next = last.AddMonths(period switch { ReviewPeriod.Monthly => 1, ReviewPeriod.Quarterly => 3, _ => 12 });
        return AtLocalMidnight(next, zone);
    }

    private static DateTimeOffset AtLocalMidnight(DateTime localDate, TimeZoneInfo zone)
    {
        var unspecified = DateTime.SpecifyKind(localDate.Date, DateTimeKind.Unspecified);
        return new DateTimeOffset(unspecified, zone.GetUtcOffset(unspecified)).ToUniversalTime();
    }
}
