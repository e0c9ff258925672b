using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Segments;

/// <summary>
/// Saves the segment thresholds as a new version (the old ones stay, for the audit trail), validated per field, with
/// the audit entry in the same transaction. The next nightly assignment (or "Recalculate now") applies them.
/// </summary>
public sealed class SaveSegmentSettings(SmartbisDb db, TenantContext tenant, TimeProvider clock)
{
    public sealed record Request(int NewDays, int AtRiskDays, int LostDays, int WindowDays, int LoyalPurchases, long LoyalSpendCents);

    public static Validation Validate(Request r)
    {
        var v = new Validation();
        v.Check(r.NewDays is >= 1 and <= 365, "NewDays", "segment_days_range", new { minimum = 1, maximum = 365 });
        v.Check(r.AtRiskDays is >= 1 and <= 730, "AtRiskDays", "segment_days_range", new { minimum = 1, maximum = 730 });
        v.Check(r.LostDays is >= 2 and <= 1095, "LostDays", "segment_days_range", new { minimum = 2, maximum = 1095 });
        v.Check(r.LostDays > r.AtRiskDays, "LostDays", "segment_lost_after_at_risk", new { atRiskDays = r.AtRiskDays });
        v.Check(r.WindowDays is >= 7 and <= 730, "WindowDays", "segment_days_range", new { minimum = 7, maximum = 730 });
        v.Check(r.LoyalPurchases is >= 1 and <= 1000, "LoyalPurchases", "segment_loyal_purchases_range", new { maximum = 1000 });
        v.Check(r.LoyalSpendCents is >= 0 and <= 1_000_000_000_00, "LoyalSpendCents", "segment_loyal_spend_range");
        return v;
    }

    public async Task<SegmentSettings> ExecuteAsync(Request r, AuditActor actor, CancellationToken ct = default)
    {
        Validate(r).ThrowIfInvalid();
        tenant.Require();
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var before = await SegmentRules.SettingsAsync(db, ct);
        var s = new SegmentSettings
        {
            Version = before.Version + 1, NewDays = r.NewDays, AtRiskDays = r.AtRiskDays, LostDays = r.LostDays, WindowDays = r.WindowDays,
            LoyalPurchases = r.LoyalPurchases, LoyalSpendCents = r.LoyalSpendCents, CreatedAt = now, CreatedByUserId = actor.UserId,
        };
        db.Add(s);
        RecordAudit.Add(db, actor, now, "segments.thresholds_changed", $"Segment thresholds changed (version {s.Version})",
            "segment_settings", s.Version, Describe(before), Describe(s), values: new { version = s.Version });
        await db.SaveChangesAsync(ct); // a concurrent save of the same version loses on the key: the page says so
        await tx.CommitAsync(ct);
        return s;
    }

    private static object Describe(SegmentSettings s) => new { s.Version, s.NewDays, s.AtRiskDays, s.LostDays, s.WindowDays, s.LoyalPurchases, s.LoyalSpendCents };
}
