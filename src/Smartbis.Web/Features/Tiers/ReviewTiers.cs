using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Ledger;

namespace Smartbis.Web.Features.Tiers;

/// <summary>
/// The periodic side of tiers, for one tenant, in one transaction (run by <see cref="TiersJobs"/> every hour; safe to run
/// twice or at once: a review is claimed by its <see cref="TierReview"/> row, a reminder by the member's RemindedFor):
/// <list type="number">
/// <item>the review, once per review moment (first day of the month/quarter/year, tenant's time zone): every member's
/// level is set to what their qualifying amount over the review moment's window reaches — the only place a level goes down;</item>
/// <item>the reminder, from <see cref="TierProgram.ReminderDays"/> before the next review: a member whose purchases that
/// will still count at the review fall short of their level gets one <c>tier.at_risk</c> event ("R$ 120,00 to keep Gold");</item>
/// <item>today's members per level (<see cref="TierDailyMembers"/>), for the dashboard's chart.</item>
/// </list>
/// </summary>
public sealed class ReviewTiers(LedgerUnit unit, TimeProvider clock)
{
    public const string AtRisk = "tier.at_risk";
    public const string Downgraded = "tier.downgraded";

    public sealed record Result(DateTimeOffset? ReviewedAt, int Upgraded, int Downgraded, int Reminded);

    public Task<Result> ExecuteAsync(Guid tenantId, CancellationToken ct = default) =>
        unit.RunAsync(tenantId, async db =>
        {
            var now = clock.GetUtcNow();
            var books = new Books(db, now);
            var program = await TiersInForce.ActiveAtAsync(db, now, ct);
            if (program is null) return new Result(null, 0, 0, 0);
            var zone = TiersInForce.Zone(await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.TimeZone).SingleAsync(ct));
            var rows = await db.Set<CustomerTier>().ToListAsync(ct);

            var (reviewedAt, up, down) = await ReviewAsync(db, books, program, rows, zone, ct);
            var reminded = await RemindAsync(db, books, program, rows, zone, ct);
            await db.SaveChangesAsync(ct);
            await SnapshotAsync(db, program, zone, now, ct);
            return new Result(reviewedAt, up, down, reminded);
        }, ct);

    private static async Task<(DateTimeOffset?, int, int)> ReviewAsync(SmartbisDb db, Books books, TierProgram program, List<CustomerTier> rows,
        TimeZoneInfo zone, CancellationToken ct)
    {
        var now = books.Now;
        var reviewAt = TiersInForce.LastReview(program.ReviewPeriod, now, zone);
        // Tiers started after this review moment: the first review is the next one.
        var started = await db.Set<TierProgram>().MinAsync(p => p.CreatedAt, ct);
        if (reviewAt <= started || await db.Set<TierReview>().AnyAsync(r => r.ReviewAt == reviewAt, ct)) return (null, 0, 0);

        // The window of the review moment (purchases since its start, up to now: a late run loses nobody a purchase).
        var qualifying = await TiersInForce.QualifyingAllAsync(db, program, TiersInForce.WindowStart(program, reviewAt), now, ct);
        int up = 0, down = 0;
        foreach (var row in rows)
        {
            var reached = program.RankFor(qualifying.GetValueOrDefault(row.CustomerId));
            var current = program.Clamp(row.Rank);
            if (reached == current && row.Rank == current) continue;
            if (reached < current)
            {
                down++;
                books.Emit(Downgraded, row.CustomerId, null, new { tier = program.LevelAt(reached).Name, previousTier = program.LevelAt(current).Name, rank = reached });
            }
            else if (reached > current)
            {
                up++;
                row.AchievedAt = now;
                EmitUpgrade(books, program, row.CustomerId, current, reached);
            }
            row.Rank = reached;
            row.UpdatedAt = now;
        }
        // Members who reached a level without a purchase deciding it (purchases imported or recorded before tiers began).
        var known = rows.Select(r => r.CustomerId).ToHashSet();
        var active = await db.Customers.Where(c => c.Status == CustomerStatus.Active).Select(c => c.Id).ToListAsync(ct);
        foreach (var id in active.Where(id => !known.Contains(id)))
        {
            var reached = program.RankFor(qualifying.GetValueOrDefault(id));
            if (reached == 0) continue;
            up++;
            var row = new CustomerTier { CustomerId = id, Rank = reached, AchievedAt = now, UpdatedAt = now };
            db.Add(row);
            rows.Add(row);
            EmitUpgrade(books, program, id, 0, reached);
        }
        db.Add(new TierReview { ReviewAt = reviewAt, RanAt = now, Upgraded = up, Downgraded = down }); // a concurrent run loses on the key and retries
        return (reviewAt, up, down);
    }

    private static void EmitUpgrade(Books books, TierProgram program, Guid customerId, int from, int to)
    {
        var level = program.LevelAt(to);
        books.Emit(TierOnPurchase.Upgraded, customerId, null, new { tier = level.Name, rank = to, previousTier = program.LevelAt(from).Name, multiplierBps = level.MultiplierBps });
    }

    private static async Task<int> RemindAsync(SmartbisDb db, Books books, TierProgram program, List<CustomerTier> rows, TimeZoneInfo zone, CancellationToken ct)
    {
        if (program.ReminderDays <= 0) return 0;
        var now = books.Now;
        var next = TiersInForce.NextReview(program.ReviewPeriod, now, zone);
        if (now < next.AddDays(-program.ReminderDays)) return 0;
        var due = rows.Where(r => program.Clamp(r.Rank) > 0 && r.RemindedFor != next).ToList();
        if (due.Count == 0) return 0;
        // What will still count at the review: purchases after the review's window start, up to now.
        var counting = await TiersInForce.QualifyingAllAsync(db, program, TiersInForce.WindowStart(program, next), now, ct);
        var reminded = 0;
        foreach (var row in due)
        {
            row.RemindedFor = next;
            row.UpdatedAt = now;
            var level = program.LevelAt(row.Rank);
            var missing = level.Threshold - counting.GetValueOrDefault(row.CustomerId);
            if (missing <= 0) continue;
            reminded++;
            books.Emit(AtRisk, row.CustomerId, null, program.Measure == TierMeasure.Spend
                ? new { tier = level.Name, rank = program.Clamp(row.Rank), reviewAt = next, missingCents = missing, missingPoints = (long?)null }
                : new { tier = level.Name, rank = program.Clamp(row.Rank), reviewAt = next, missingCents = (long?)null, missingPoints = (long?)missing });
        }
        return reminded;
    }

    /// <summary>Rewrites today's (local) members per level: every active customer, at their level (no row = the first).</summary>
    private static async Task SnapshotAsync(SmartbisDb db, TierProgram program, TimeZoneInfo zone, DateTimeOffset now, CancellationToken ct)
    {
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var active = await db.Customers.CountAsync(c => c.Status == CustomerStatus.Active, ct);
        var ranked = await db.Set<CustomerTier>().Where(t => t.Rank > 0)
            .Join(db.Customers.Where(c => c.Status == CustomerStatus.Active), t => t.CustomerId, c => c.Id, (t, c) => t.Rank)
            .GroupBy(r => r).Select(g => new { Rank = g.Key, Count = g.Count() }).ToListAsync(ct);
        var counts = new int[program.Levels.Count];
        foreach (var r in ranked) counts[program.Clamp(r.Rank)] += r.Count;
        counts[0] = active - counts.Skip(1).Sum();
        await db.Set<TierDailyMembers>().Where(s => s.Day == day).ExecuteDeleteAsync(ct);
        for (var i = 0; i < counts.Length; i++)
            db.Add(new TierDailyMembers { Day = day, Rank = i, LevelName = program.Levels[i].Name, Members = Math.Max(0, counts[i]) });
        await db.SaveChangesAsync(ct);
    }
}
