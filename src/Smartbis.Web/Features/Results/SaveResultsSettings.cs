using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Results;

/// <summary>
/// Saves the control group and message costs as the next <see cref="ResultsSettings"/> version, audited, in one transaction.
/// Turning the holdout off ends the measurement at this moment (the members keep their group; the ended period's figures
/// stay on the results page). A holdout that is on keeps its start date; a new one starts today or later.
/// </summary>
public sealed class SaveResultsSettings(SmartbisDb db, TenantContext tenant, TimeProvider clock)
{
    public const int MinShareBps = 100;
    public const int MaxShareBps = 2_000;
    public const long MaxMessageCostCents = 1_000;
    public const int MaxDaysAhead = 365;

    public sealed record Request(bool ControlGroupEnabled, int ShareBps, bool NoBoosts, DateOnly? StartsOn, long EmailCostCents, long WhatsAppCostCents);

    /// <summary>Field-level checks against the version in force and the tenant's today.</summary>
    public static Validation Validate(Request r, ResultsSettings? current, DateOnly today)
    {
        var v = new Validation();
        if (r.ControlGroupEnabled)
        {
            v.Check(r.ShareBps is >= MinShareBps and <= MaxShareBps, "ShareBps", "results_share_range",
                new { minimum = MinShareBps / 100m, maximum = MaxShareBps / 100m });
            var continuing = current is { ControlGroupEnabled: true } && r.StartsOn == current.StartsOn;
            if (r.StartsOn is null) v.Add("StartsOn", "results_start_required");
            else if (!continuing)
                v.Check(r.StartsOn >= today, "StartsOn", "results_start_past")
                 .Check(r.StartsOn <= today.AddDays(MaxDaysAhead), "StartsOn", "results_start_too_far", new { maximum = MaxDaysAhead });
        }
        v.Check(r.EmailCostCents is >= 0 and <= MaxMessageCostCents, "EmailCostCents", "results_message_cost_range");
        v.Check(r.WhatsAppCostCents is >= 0 and <= MaxMessageCostCents, "WhatsAppCostCents", "results_message_cost_range");
        return v;
    }

    public async Task<ResultsSettings> ExecuteAsync(Request r, string? userId, AuditActor actor, CancellationToken ct = default)
    {
        var tenantId = tenant.Require();
        var now = clock.GetUtcNow();
        var tz = await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.TimeZone).SingleAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // One saver at a time per tenant: the next version number is read and written under the lock.
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock(hashtextextended({"results:" + tenantId}, 0))", ct);
        var previous = await ControlGroup.InForceAsync(db, ct);
        Validate(r, previous, Reporting.Overview.Today(now, tz)).ThrowIfInvalid();
        var next = new ResultsSettings
        {
            TenantId = tenantId, Version = (previous?.Version ?? 0) + 1, EffectiveFrom = now, CreatedAt = now, CreatedByUserId = userId,
            ControlGroupEnabled = r.ControlGroupEnabled,
            // Off keeps the last share and start on record (what the ended period measured).
            ShareBps = r.ControlGroupEnabled ? r.ShareBps : previous?.ShareBps ?? r.ShareBps,
            NoBoosts = r.ControlGroupEnabled ? r.NoBoosts : previous?.NoBoosts ?? false,
            StartsOn = r.ControlGroupEnabled ? r.StartsOn!.Value : previous?.StartsOn ?? Reporting.Overview.Today(now, tz),
            EmailCostCents = r.EmailCostCents, WhatsAppCostCents = r.WhatsAppCostCents,
        };
        db.Add(next);
        var what = !next.ControlGroupEnabled ? (previous is { ControlGroupEnabled: true } ? "control group turned off (measurement ended)" : "results settings saved")
            : previous is { ControlGroupEnabled: true } ? "control group changed" : "control group turned on";
        RecordAudit.Add(db, actor, now, "results.settings_saved", $"Results settings version {next.Version}: {what}", "results", next.Version,
            before: previous is null ? null : Describe(previous), after: Describe(next), values: new { version = next.Version });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return next;
    }

    private static object Describe(ResultsSettings s) => new
    {
        s.ControlGroupEnabled, s.ShareBps, s.NoBoosts, startsOn = s.StartsOn.ToString("yyyy-MM-dd"), s.EmailCostCents, s.WhatsAppCostCents,
    };
}
