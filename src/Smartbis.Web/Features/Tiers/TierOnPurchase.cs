using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Ledger;

namespace Smartbis.Web.Features.Tiers;

/// <summary>
/// Runs inside <see cref="Purchases.RecordPurchase"/>'s transaction, with the customer's account locked (so a member's
/// purchases decide their level one at a time): adds the purchase to the member's qualifying amount over the rolling
/// window and raises their level at once when it crosses a threshold (never lowers it: only the review does). Returns
/// the level's rate multiplier, which applies to this purchase already.
/// </summary>
public static class TierOnPurchase
{
    public const string Upgraded = "tier.upgraded";

    public sealed record Outcome(int MultiplierBps, int Rank, string? LevelName, bool Upgraded)
    {
        public static readonly Outcome None = new(TierLevel.NoMultiplier, 0, null, false);
    }

    /// <param name="spendCents">The purchase's amount (the Spend measure).</param>
    /// <param name="basePoints">What it earns before any multiplier (the PointsEarned measure).</param>
    public static async Task<Outcome> ApplyAsync(Books books, Guid customerId, DateTimeOffset occurredAt, long spendCents, long basePoints, CancellationToken ct = default)
    {
        var db = books.Db;
        var now = books.Now;
        if (await TiersInForce.ActiveAtAsync(db, now, ct) is not { } program) return Outcome.None;

        var from = TiersInForce.WindowStart(program, now);
        var qualifying = await TiersInForce.QualifyingAsync(db, program, customerId, from, now, ct);
        if (occurredAt > from) qualifying += program.Measure == TierMeasure.Spend ? spendCents : basePoints;

        var row = await db.Set<CustomerTier>().SingleOrDefaultAsync(t => t.CustomerId == customerId, ct);
        var current = program.Clamp(row?.Rank ?? 0);
        var reached = program.RankFor(qualifying);
        if (reached <= current)
            return new Outcome(program.LevelAt(current).MultiplierBps, current, program.LevelAt(current).Name, false);

        if (row is null)
        {
            row = new CustomerTier { CustomerId = customerId };
            db.Add(row); // the account lock serializes this customer's purchases: no second insert races this one
        }
        row.Rank = reached;
        row.AchievedAt = now;
        row.UpdatedAt = now;
        row.RemindedFor = null;
        var level = program.LevelAt(reached);
        books.Emit(Upgraded, customerId, null, new // no subject: each upgrade is its own message
        {
            tier = level.Name, rank = reached, previousTier = program.LevelAt(current).Name, multiplierBps = level.MultiplierBps,
        });
        return new Outcome(level.MultiplierBps, reached, level.Name, true);
    }
}
