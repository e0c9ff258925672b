using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Counter;

/// <summary>Reads and saves the tenant's fraud-control thresholds (managers and owners), audited with before and after.</summary>
public sealed class SaveCounterSettings(SmartbisDb db, TimeProvider clock)
{
    public sealed record Request(
        long LargeRedemptionCents, int CodeValidityMinutes, int BurstPurchases, int BurstWindowMinutes, bool FlagOwnAccount,
        int RefundRateBps, int RefundRateMinPurchases, int RefundRateWindowDays, int? BackdatingWindowHours = null);

    /// <summary>The tenant's settings, or the defaults when it never saved any (not tracked).</summary>
    /// <remarks>From the configuration cache (the counter reads them on every page): callers only read them.</remarks>
    public static async Task<CounterSettings> LoadAsync(SmartbisDb db, CancellationToken ct = default) =>
        await db.CachedAsync(db.Tenant.Require(), "counter-settings", async () =>
            await db.CounterSettings.AsNoTracking().SingleOrDefaultAsync(ct) ?? new CounterSettings());

    public async Task ExecuteAsync(Request r, AuditActor actor, CancellationToken ct = default)
    {
        var v = new Validation();
        v.Check(r.LargeRedemptionCents >= 0, "largeRedemption", "large_redemption_amount");
        v.Check(r.CodeValidityMinutes is >= 1 and <= 60, "codeValidityMinutes", "code_validity_range");
        v.Check(r.BurstPurchases is >= 1 and <= 1000, "burstPurchases", "burst_purchases_range");
        v.Check(r.BurstWindowMinutes is >= 1 and <= 10_080, "burstWindowMinutes", "burst_window_range");
        v.Check(r.RefundRateBps is >= 1 and <= 10_000, "refundRatePercent", "refund_rate_range");
        v.Check(r.RefundRateMinPurchases is >= 1 and <= 100_000, "refundRateMinPurchases", "refund_rate_min_purchases");
        v.Check(r.RefundRateWindowDays is >= 1 and <= 365, "refundRateWindowDays", "refund_rate_window_range");
        v.Check(r.BackdatingWindowHours is null or (>= 1 and <= CounterSettings.MaxBackdatingWindowHours), "backdatingWindowHours",
            "backdating_window_range");
        v.ThrowIfInvalid();

        var row = await db.CounterSettings.SingleOrDefaultAsync(ct);
        var before = row is null ? null : Snapshot(row);
        if (row is null) db.CounterSettings.Add(row = new CounterSettings());
        row.LargeRedemptionCents = r.LargeRedemptionCents;
        row.CodeValidityMinutes = r.CodeValidityMinutes;
        row.BurstPurchases = r.BurstPurchases;
        row.BurstWindowMinutes = r.BurstWindowMinutes;
        row.FlagOwnAccount = r.FlagOwnAccount;
        row.RefundRateBps = r.RefundRateBps;
        row.RefundRateMinPurchases = r.RefundRateMinPurchases;
        row.RefundRateWindowDays = r.RefundRateWindowDays;
        if (r.BackdatingWindowHours is { } hours) row.BackdatingWindowHours = hours; // null: unchanged (only the owner sets it)
        row.UpdatedAt = clock.GetUtcNow();
        row.UpdatedByUserId = actor.UserId;
        RecordAudit.Add(db, actor, row.UpdatedAt, "counter_settings.updated", "Counter fraud-control thresholds changed",
            "counter_settings", db.Tenant.Require(), before, Snapshot(row));
        await db.SaveChangesAsync(ct);
    }

    private static object Snapshot(CounterSettings s) => new
    {
        s.LargeRedemptionCents, s.CodeValidityMinutes, s.BurstPurchases, s.BurstWindowMinutes, s.FlagOwnAccount,
        s.RefundRateBps, s.RefundRateMinPurchases, s.RefundRateWindowDays, s.BackdatingWindowHours,
    };
}
