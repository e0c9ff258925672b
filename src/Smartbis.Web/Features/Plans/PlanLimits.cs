using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Plans;

/// <summary>What a plan limits.</summary>
public static class Metrics
{
    public const string Members = "members";
    public const string Stores = "stores";
    public const string Staff = "staff";
    public const string Emails = "emails";
    public const string WhatsApp = "whatsapp";
    public static readonly string[] All = [Members, Stores, Staff, Emails, WhatsApp];
}

/// <summary>A feature a plan may leave out.</summary>
public enum PlanFeature { Api, WhatsApp, Automations }

/// <summary>
/// One limit as it stands: how much is used and the plan's limit (null: unlimited). <paramref name="Capped"/>: counted
/// only up to one past the limit (the overview's banner), so a <see cref="Used"/> above the limit means "more than it".
/// </summary>
public sealed record LimitUsage(string Metric, long Used, int? Limit, bool Capped = false)
{
    /// <summary>Past the limit by an amount that was not counted (<see cref="Capped"/>).</summary>
    public bool OverUncounted => Capped && Limit is { } l && Used > l;
    /// <summary>Used over limit (0 when unlimited).</summary>
    public double Ratio => Limit is null ? 0 : Limit == 0 ? (Used > 0 ? double.PositiveInfinity : 0) : (double)Used / Limit.Value;
    /// <summary>The highest notice threshold reached: 100, 80 or 0.</summary>
    public int Threshold => Ratio >= 1 ? 100 : Ratio >= 0.8 ? 80 : 0;
}

/// <summary>A tenant's plan and where it stands against each limit.</summary>
public sealed record PlanStanding(PlanDefinition Plan, DateTimeOffset? TrialEndsAt, IReadOnlyList<LimitUsage> Limits, DateTimeOffset? MembersGraceEnds)
{
    public LimitUsage this[string metric] => Limits.Single(l => l.Metric == metric);
}

/// <summary>
/// The one place a plan's limits are checked (counter enrol, portal join, API, import, stores, staff, automations,
/// WhatsApp, API access). Fair by construction: nothing here is called on earning or redeeming, so an existing member
/// keeps both whatever the plan. New members get a grace period: reaching the member limit starts
/// <see cref="MemberGrace"/> (recorded in <c>limit_graces</c>) during which joins still succeed; after it, a join is
/// refused with <c>plan_limit</c> (403) saying which limit, the plan and where to upgrade (/app/plan). Stores and staff
/// are refused at the limit (nothing is lost by waiting); monthly message limits are soft (notices at 80 % and 100 %,
/// the overage shows in the usage and the invoicing export), so no member's message silently stops.
/// Every method runs on the caller's context and transaction (the tenant already set).
/// </summary>
public static class PlanLimits
{
    public static readonly TimeSpan MemberGrace = TimeSpan.FromDays(7);
    public const string UpgradePath = "/app/plan";

    public static DateOnly MonthOf(DateTimeOffset at) => new(at.UtcDateTime.Year, at.UtcDateTime.Month, 1);

    public static Task<PlanDefinition> PlanOfAsync(SmartbisDb db, CancellationToken ct = default)
    {
        var tenantId = db.Tenant.Require();
        return db.Tenants.Where(t => t.Id == tenantId).Join(db.Plans, t => t.PlanCode, p => p.Code, (t, p) => p).SingleAsync(ct);
    }

    public static IQueryable<Customer> Members(SmartbisDb db) =>
        db.Customers.Where(c => c.JoinedAt != null && c.Status != CustomerStatus.Anonymized);

    /// <summary>
    /// The members, counted up to <paramref name="limit"/> (which ones is irrelevant). Ordered by the tenant, which the
    /// tenant's filter makes a constant, so PostgreSQL sorts nothing: the order is only there because EF Core warns
    /// (in the log, on every start) about a row limit without one.
    /// </summary>
    private static Task<int> CountMembersUpToAsync(SmartbisDb db, int limit, CancellationToken ct) =>
        Members(db).OrderBy(c => c.TenantId).Take(Math.Max(limit, 0)).CountAsync(ct);

    /// <summary>
    /// The plan and every limit now (reads only). <paramref name="capped"/>: members are counted only as far as the
    /// banner needs — up to one past the limit, none when the plan has none — because the dashboard's home reads this on
    /// every visit, and counting a million members costs ~150 ms (docs/performance.md); the plan page counts them all.
    /// </summary>
    public static async Task<PlanStanding> StandingAsync(SmartbisDb db, DateTimeOffset now, CancellationToken ct = default, bool capped = false)
    {
        var tenantId = db.Tenant.Require();
        var tenant = await db.Tenants.Where(t => t.Id == tenantId).Select(t => new { t.PlanCode, t.TrialEndsAt }).SingleAsync(ct);
        var plan = await db.Plans.SingleAsync(p => p.Code == tenant.PlanCode, ct);
        var month = MonthOf(now);
        var usage = await db.UsageMonths.Where(u => u.Month == month).Select(u => new { u.EmailsSent, u.WhatsAppSent }).SingleOrDefaultAsync(ct);
        var grace = await db.LimitGraces.Where(g => g.Metric == Metrics.Members).Select(g => (DateTimeOffset?)g.Since).SingleOrDefaultAsync(ct);
        var limits = new List<LimitUsage>
        {
            capped
                ? new(Metrics.Members, plan.MaxMembers is { } max ? await CountMembersUpToAsync(db, Math.Max(max, 0) + 1, ct) : 0, plan.MaxMembers, Capped: true)
                : new(Metrics.Members, await Members(db).CountAsync(ct), plan.MaxMembers),
            new(Metrics.Stores, await db.Stores.CountAsync(s => s.Active, ct), plan.MaxStores),
            new(Metrics.Staff, await db.Memberships.CountAsync(ct), plan.MaxStaff),
            new(Metrics.Emails, usage?.EmailsSent ?? 0, plan.MaxEmailsPerMonth),
            new(Metrics.WhatsApp, usage?.WhatsAppSent ?? 0, plan.WhatsAppAllowed ? plan.MaxWhatsAppPerMonth : 0),
        };
        return new PlanStanding(plan, tenant.TrialEndsAt, limits, grace + MemberGrace);
    }

    /// <summary>
    /// Before a new member joins (in the join's transaction). Under the limit: allowed (and a stale grace is cleared).
    /// At or over it: the grace starts now if it has not, and the join is allowed until it ends; then refused.
    /// </summary>
    public static async Task EnsureCanAddMemberAsync(SmartbisDb db, DateTimeOffset now, CancellationToken ct = default)
    {
        var plan = await PlanOfAsync(db, ct);
        var grace = await db.LimitGraces.SingleOrDefaultAsync(g => g.Metric == Metrics.Members, ct);
        // Whether the limit is reached, not how far past it: at most the limit's members are counted (in any order).
        if (plan.MaxMembers is not { } max || await CountMembersUpToAsync(db, max, ct) < max)
        {
            if (grace is not null) db.LimitGraces.Remove(grace);
            return;
        }
        if (grace is null)
        {
            db.LimitGraces.Add(new LimitGrace { Metric = Metrics.Members, Since = now });
            return;
        }
        if (now < grace.Since + MemberGrace) return;
        throw new OperationFailed("plan_limit", "plan_limit_members", "", 403,
            values: new { limit = max, plan = plan.Name, graceEnded = new OnDay(grace.Since + MemberGrace) });
    }

    /// <summary>Before a store is added or reactivated.</summary>
    public static async Task EnsureCanAddStoreAsync(SmartbisDb db, CancellationToken ct = default)
    {
        var plan = await PlanOfAsync(db, ct);
        if (plan.MaxStores is { } max && await db.Stores.CountAsync(s => s.Active, ct) >= max)
            throw new OperationFailed("plan_limit", "plan_limit_stores", "", 403, values: new { limit = max, plan = plan.Name });
    }

    /// <summary>Before someone is invited to the staff (members plus pending invitations count).</summary>
    public static async Task EnsureCanAddStaffAsync(SmartbisDb db, DateTimeOffset now, CancellationToken ct = default)
    {
        var plan = await PlanOfAsync(db, ct);
        if (plan.MaxStaff is not { } max) return;
        var staff = await db.Memberships.CountAsync(ct)
            + await db.StaffInvitations.CountAsync(i => i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now, ct);
        if (staff >= max) throw new OperationFailed("plan_limit", "plan_limit_staff", "", 403, values: new { limit = max, plan = plan.Name });
    }

    /// <summary>Before a feature is used or switched on.</summary>
    public static async Task EnsureFeatureAsync(SmartbisDb db, PlanFeature feature, CancellationToken ct = default)
    {
        // Asked on every API request: the plan is kept in the configuration cache (dropped when the plan or the tenant changes).
        var tenantId = db.Tenant.Require();
        var plan = await db.CachedAsync(tenantId, "plan", () =>
            db.Tenants.Where(t => t.Id == tenantId).Join(db.Plans.AsNoTracking(), t => t.PlanCode, p => p.Code, (t, p) => p).SingleAsync(ct));
        switch (feature)
        {
            case PlanFeature.Api when !plan.ApiAccess:
                throw new OperationFailed("plan_limit", "plan_no_api", "", 403, values: new { plan = plan.Name });
            case PlanFeature.WhatsApp when !plan.WhatsAppAllowed:
                throw new OperationFailed("plan_limit", "plan_no_whatsapp", "", 403, values: new { plan = plan.Name });
            case PlanFeature.Automations when !plan.AutomationsAllowed:
                throw new OperationFailed("plan_limit", "plan_no_automations", "", 403, values: new { plan = plan.Name });
        }
    }

    /// <summary>Whether a refusal is a plan's: pages show a link to <see cref="UpgradePath"/> beside it.</summary>
    public static bool IsPlanRefusal(OperationFailed e) => e.Code == "plan_limit";
}
