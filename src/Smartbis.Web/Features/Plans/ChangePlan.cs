using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Plans;

/// <summary>
/// Moves a tenant to another plan (an operator on the console's tenant page, an approved upgrade, a trial's end), with
/// its audit entry, in one transaction run for that tenant (<see cref="LedgerUnit.RunAsync{T}"/>: callable from /admin,
/// where no tenant is set). Nothing is deleted: a downgrade keeps every member, store, staff member and message, and
/// <see cref="Consequences"/> says what will stop (shown before confirming with <see cref="PreviewAsync"/>, and returned).
/// The members' grace period restarts under the new plan; a trial in progress ends unless a new one is given.
/// </summary>
public sealed class ChangePlan(LedgerUnit unit, TimeProvider clock)
{
    /// <param name="TrialEndsAt">Set when the new plan starts as a trial (sign-up); null for a plan in earnest.</param>
    public sealed record Request(Guid TenantId, string PlanCode, string? Reason = null, DateTimeOffset? TrialEndsAt = null);

    /// <summary>
    /// One thing that stops or is limited under the new plan. <see cref="What"/>: "members" (new members refused after
    /// the grace period), "stores", "staff" (no new ones; existing ones keep working), "whatsapp" (WhatsApp messages are
    /// skipped), "api" (API keys are refused), "automations" (cannot be switched on again), "emails" (over the monthly allowance).
    /// </summary>
    public sealed record Consequence(string What, long Used, int? Limit);

    public sealed record Result(string FromPlanCode, string ToPlanCode, IReadOnlyList<Consequence> Consequences, bool Changed);

    /// <summary>What would stop if the tenant moved to <paramref name="planCode"/> now (reads only).</summary>
    public Task<IReadOnlyList<Consequence>> PreviewAsync(Guid tenantId, string planCode, CancellationToken ct = default) =>
        unit.RunAsync(tenantId, async db =>
        {
            var target = await db.Plans.SingleOrDefaultAsync(p => p.Code == planCode, ct) ?? throw UnknownPlan();
            return Consequences(await PlanLimits.StandingAsync(db, clock.GetUtcNow(), ct), target);
        }, ct);

    public Task<Result> ExecuteAsync(Request r, AuditActor actor, CancellationToken ct = default) =>
        unit.RunAsync(r.TenantId, db => ExecuteInAsync(db, r, actor, clock.GetUtcNow(), ct), ct);

    /// <summary>The change inside a caller's unit (an approved upgrade's transaction); the tenant is the unit's.</summary>
    public static async Task<Result> ExecuteInAsync(SmartbisDb db, Request r, AuditActor actor, DateTimeOffset now, CancellationToken ct)
    {
        var target = await db.Plans.SingleOrDefaultAsync(p => p.Code == r.PlanCode, ct) ?? throw UnknownPlan();
        var tenantId = db.Tenant.Require();
        var tenant = await db.Tenants.SingleAsync(t => t.Id == tenantId, ct);
        var standing = await PlanLimits.StandingAsync(db, now, ct);
        var consequences = Consequences(standing, target);
        var from = tenant.PlanCode;
        if (from == target.Code && tenant.TrialEndsAt == r.TrialEndsAt) return new Result(from, from, consequences, false);
        var before = new { PlanCode = from, tenant.TrialEndsAt };
        tenant.PlanCode = target.Code;
        tenant.TrialEndsAt = r.TrialEndsAt;
        await db.LimitGraces.Where(g => g.TenantId == tenantId).ExecuteDeleteAsync(ct);
        var reason = string.IsNullOrWhiteSpace(r.Reason) ? "" : $": {r.Reason.Trim()}";
        RecordAudit.Add(db, actor, now, "plan.changed", $"Plan changed from {from} to {target.Code}{reason}", "tenant", tenantId,
            before, new { PlanCode = target.Code, r.TrialEndsAt, Stops = consequences.Select(c => c.What).ToArray(), r.Reason }, values: new { from, to = target.Code, reason = string.IsNullOrWhiteSpace(r.Reason) ? "" : $"({r.Reason.Trim()})" });
        await db.SaveChangesAsync(ct);
        return new Result(from, target.Code, consequences, true);
    }

    /// <summary>What the target plan would stop or limit, given where the tenant stands now.</summary>
    public static IReadOnlyList<Consequence> Consequences(PlanStanding now, PlanDefinition target)
    {
        var list = new List<Consequence>();
        void Over(string metric, int? limit)
        {
            var used = now[metric].Used;
            if (limit is { } max && used >= max) list.Add(new Consequence(metric, used, max));
        }
        Over(Metrics.Members, target.MaxMembers);
        Over(Metrics.Stores, target.MaxStores);
        Over(Metrics.Staff, target.MaxStaff);
        Over(Metrics.Emails, target.MaxEmailsPerMonth);
        if (!target.WhatsAppAllowed && now.Plan.WhatsAppAllowed) list.Add(new Consequence(Metrics.WhatsApp, now[Metrics.WhatsApp].Used, 0));
        else Over(Metrics.WhatsApp, target.MaxWhatsAppPerMonth);
        if (!target.ApiAccess && now.Plan.ApiAccess) list.Add(new Consequence("api", 0, 0));
        if (!target.AutomationsAllowed && now.Plan.AutomationsAllowed) list.Add(new Consequence("automations", 0, 0));
        return list;
    }

    private static OperationFailed UnknownPlan() => new("validation", "plan_unknown", "planCode");
}
