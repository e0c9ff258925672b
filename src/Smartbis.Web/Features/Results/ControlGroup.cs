using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Customers;

namespace Smartbis.Web.Features.Results;

/// <summary>
/// The program's control group, in one place: who is drawn into it (once, at random, when they join), what it means for them
/// (no automated or campaign messages; no boosts when the merchant chose so) and when it was measured. Transactional messages
/// — sign-in and counter codes, receipts the customer asked for — are not automated messages and are never held back.
/// </summary>
public static class ControlGroup
{
    /// <summary>The settings in force (the latest version), or null when the tenant never saved any.</summary>
    public static Task<ResultsSettings?> InForceAsync(SmartbisDb db, CancellationToken ct = default) =>
        db.Set<ResultsSettings>().AsNoTracking().OrderByDescending(s => s.Version).FirstOrDefaultAsync(ct);

    /// <summary>
    /// As <see cref="InForceAsync"/>, from the configuration cache (Data/Caching: a change is in force at once on every
    /// node): for the purchase path. Read-only: the cached object is shared.
    /// </summary>
    public static async Task<ResultsSettings?> CachedInForceAsync(SmartbisDb db, CancellationToken ct = default) =>
        await db.CachedAsync(db.Tenant.Require(), "results-settings", () => InForceAsync(db, ct));

    /// <summary>Whether the holdout is on now: a control-group member is then held out of messages (and boosts, if chosen).</summary>
    public static bool HoldsOut(ResultsSettings? inForce) => inForce is { ControlGroupEnabled: true };

    /// <summary>
    /// THE rule: does this customer receive automated (and campaign) messages now? Everyone does, except a control-group
    /// member while the holdout is on. Turning the holdout off ends the measurement and they receive messages again.
    /// </summary>
    public static bool ReceivesAutomatedMessages(bool inControlGroup, ResultsSettings? inForce) => !(inControlGroup && HoldsOut(inForce));

    /// <summary>As <see cref="ReceivesAutomatedMessages(bool, ResultsSettings?)"/> for a customer row.</summary>
    public static bool ReceivesAutomatedMessages(Customer customer, ResultsSettings? inForce) => ReceivesAutomatedMessages(customer.InControlGroup, inForce);

    /// <summary>Whether this customer's purchase may earn a boost's rate (false: the base rate only).</summary>
    public static bool GetsBoosts(bool inControlGroup, ResultsSettings? inForce) => !(inControlGroup && inForce is { ControlGroupEnabled: true, NoBoosts: true });

    /// <summary>
    /// The rules a purchase of this customer earns by: the rules in force, or — for a control-group member while the holdout
    /// says "no boosts either" — the same rules without their boosts (the base rate; a tier's multiplier still applies).
    /// Reads the settings only for a control-group member.
    /// </summary>
    public static async Task<Programs.ProgramRules> EarnRulesAsync(SmartbisDb db, Customer customer, Programs.ProgramRules rules, CancellationToken ct = default)
    {
        if (!customer.InControlGroup || rules.Boosts.Count == 0) return rules;
        if (GetsBoosts(true, await CachedInForceAsync(db, ct))) return rules;
        var withoutBoosts = rules.CopyAsNextVersion();
        withoutBoosts.Version = rules.Version;
        withoutBoosts.EffectiveFrom = rules.EffectiveFrom;
        withoutBoosts.Boosts = [];
        return withoutBoosts;
    }

    /// <summary>
    /// The draw when a customer joins (every join path calls it once, where JoinedAt is set): true with the share in force,
    /// from the start date on, while the holdout is on. A cryptographic generator: nobody can predict or steer the group.
    /// </summary>
    public static bool Draw(ResultsSettings? inForce, DateTimeOffset now, string timeZone)
    {
        if (inForce is not { ControlGroupEnabled: true } s) return false;
        if (Reporting.Overview.Today(now, timeZone) < s.StartsOn) return false;
        return RandomNumberGenerator.GetInt32(10_000) < s.ShareBps;
    }

    /// <summary>
    /// Draws for a customer who is joining now, before JoinedAt is set (sets <see cref="Customer.InControlGroup"/>). A customer
    /// who already joined is never re-drawn; an unclaimed walk-in is drawn when they claim (that is when they join).
    /// </summary>
    public static async Task AssignOnJoinAsync(SmartbisDb db, Customer customer, DateTimeOffset now, CancellationToken ct = default)
    {
        if (customer.IsClaimed) return;
        var inForce = await InForceAsync(db, ct);
        if (!HoldsOut(inForce)) return;
        var tz = await db.Tenants.Where(t => t.Id == db.Tenant.Require()).Select(t => t.TimeZone).SingleAsync(ct);
        customer.InControlGroup = Draw(inForce, now, tz);
    }

    /// <summary>One measurement: from when the holdout started drawing to when it was turned off (null: still on).</summary>
    public sealed record Period(DateTimeOffset From, DateTimeOffset? To, int ShareBps, bool NoBoosts);

    /// <summary>The measurement periods from the versions (oldest first): consecutive versions with the holdout on are one period.</summary>
    public static List<Period> Periods(IReadOnlyList<ResultsSettings> versions, string timeZone)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var z) ? z : TimeZoneInfo.Utc;
        var periods = new List<Period>();
        Period? open = null;
        foreach (var v in versions.OrderBy(v => v.Version))
        {
            if (v.ControlGroupEnabled)
            {
                var startLocal = v.StartsOn.ToDateTime(TimeOnly.MinValue);
                var start = new DateTimeOffset(startLocal, zone.GetUtcOffset(startLocal)).ToUniversalTime();
                if (start < v.EffectiveFrom) start = v.EffectiveFrom;
                open = open is null ? new Period(start, null, v.ShareBps, v.NoBoosts) : open with { ShareBps = v.ShareBps, NoBoosts = v.NoBoosts };
            }
            else if (open is not null)
            {
                periods.Add(open with { To = v.EffectiveFrom < open.From ? open.From : v.EffectiveFrom });
                open = null;
            }
        }
        if (open is not null) periods.Add(open);
        return periods;
    }
}
