using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Vouchers;

namespace Smartbis.Web.Features.Reporting;

/// <summary>
/// What the merchant owes its customers and how old it is: the balances now by bucket, ageing of open credits and
/// vouchers (0–30, 31–90, 91+ days since credited/issued), and the breakage rate (expired ÷ given) of the period.
/// Balances are in the program's unit (cents or points); a points program's liability is valued at the merchant's stated
/// cost per point (<see cref="ProgramRules.CostPerPointCents"/>): <see cref="Result.ValueCents"/>.
/// </summary>
public static class LiabilityReport
{
    public sealed record Bucket(string Label, long PendingCents, long AvailableCents, long VoucherCents)
    {
        public long TotalCents => PendingCents + AvailableCents + VoucherCents;
    }

    public sealed record Result(long PendingCents, long AvailableCents, long VoucherCents, IReadOnlyList<Bucket> Ageing,
        long GivenCents, long ExpiredCents, long RedeemedCents, double? BreakageRate, Overview.Result Period,
        RewardType RewardType = RewardType.Cashback, long CostPerPointCents = 0)
    {
        /// <summary>In the program's unit. For points, pending and available are points while vouchers are money: see <see cref="ValueCents"/>.</summary>
        public long TotalCents => PendingCents + AvailableCents + VoucherCents;

        /// <summary>What is owed, in money: cashback as is; points at the cost per point; vouchers at their value.</summary>
        public long ValueCents => RewardUnits.ValueInCents(PendingCents + AvailableCents, RewardType, CostPerPointCents) + VoucherCents;
    }

    public static readonly (string Label, int MinDays, int MaxDays)[] AgeBands = [("0–30", 0, 30), ("31–90", 31, 90), ("91+", 91, int.MaxValue)];

    public static async Task<Result> LoadAsync(SmartbisDb db, string timeZone, DateOnly from, DateOnly to, DateTimeOffset now, CancellationToken ct = default)
    {
        var totals = await db.Accounts.GroupBy(_ => 1)
            .Select(g => new { P = g.Sum(a => a.PendingCents), A = g.Sum(a => a.AvailableCents), V = g.Sum(a => a.VoucherCents) })
            .SingleOrDefaultAsync(ct);
        // Open lots and vouchers, bounded by what is still owed (not by history).
        var lots = await db.CreditLots.Where(l => (l.Status == LotStatus.Pending || l.Status == LotStatus.Available) && l.RemainingCents > 0)
            .Select(l => new { l.CreatedAt, l.Status, l.RemainingCents }).ToListAsync(ct);
        var vouchers = await db.Vouchers.Where(v => v.Status == VoucherStatus.Issued)
            .Select(v => new { v.IssuedAt, v.ValueCents }).ToListAsync(ct);
        int Age(DateTimeOffset at) => (int)Math.Floor((now - at).TotalDays);
        var ageing = AgeBands.Select(b => new Bucket(b.Label,
            lots.Where(l => l.Status == LotStatus.Pending && Age(l.CreatedAt) >= b.MinDays && Age(l.CreatedAt) <= b.MaxDays).Sum(l => l.RemainingCents),
            lots.Where(l => l.Status == LotStatus.Available && Age(l.CreatedAt) >= b.MinDays && Age(l.CreatedAt) <= b.MaxDays).Sum(l => l.RemainingCents),
            vouchers.Where(v => Age(v.IssuedAt) >= b.MinDays && Age(v.IssuedAt) <= b.MaxDays).Sum(v => v.ValueCents))).ToList();
        var period = await Overview.LoadAsync(db, timeZone, from, to, null, ct);
        var f = period.Figures;
        var given = f.EarnedCents + f.BonusCents;
        var rules = await RulesInForce.FindAtAsync(db, now, ct);
        return new Result(totals?.P ?? 0, totals?.A ?? 0, totals?.V ?? 0, ageing, given, f.ExpiredCents, f.RedeemedCents,
            given == 0 ? null : (double)f.ExpiredCents / given, period, rules?.RewardType ?? RewardType.Cashback, rules?.CostPerPointCents ?? 0);
    }
}
