using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Integrations;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Operations;

/// <summary>
/// One tenant as the operator sees it (/admin/tenants/{id}): plan and status, staff with their last sign-in, recent
/// errors (failed messages, webhook failures, failed jobs) and the operator's actions on it. Read in a scope of that
/// tenant (its tenant set, as a job would), so the usual walls apply: no cross-tenant read is needed.
/// </summary>
public sealed class TenantDossier(IServiceScopeFactory scopes, FailedJobs failedJobs, TimeProvider clock)
{
    public const int RecentErrors = 20;

    public sealed record Summary(Guid Id, string Slug, string Name, string Plan, TenantStatus Status, DateTimeOffset CreatedAt,
        DateTimeOffset? SuspendedAt, string? SuspensionReason, string TimeZone, int Stores, DateOnly? LastPurchaseDay);

    public sealed record StaffRow(string Name, string Email, StaffRole Role, string? Store, DateTimeOffset Since, DateTimeOffset? LastSignInAt);

    public sealed record MessageError(DateTimeOffset At, string Trigger, Channel Channel, MessageStatus Status, string? Error);

    public sealed record WebhookError(DateTimeOffset At, string EventType, DeliveryStatus Status, int Attempts, int? LastStatusCode, string? LastError);

    /// <summary>An operator's action: its kind ("tenant.suspended"…) and the reason given, put into words by the page.</summary>
    public sealed record OperatorAction(DateTimeOffset At, string Actor, string Kind, string? Reason);

    public sealed record Result(Summary Tenant, IReadOnlyList<StaffRow> Staff, IReadOnlyList<MessageError> Messages,
        IReadOnlyList<WebhookError> Webhooks, IReadOnlyList<FailedJobs.Job> Jobs, IReadOnlyList<OperatorAction> Actions,
        IReadOnlyList<Plans.UsageMonth> Usage);

    /// <summary>The audit actions the console shows as the operator's history of this tenant.</summary>
    public static readonly string[] OperatorActions = ["tenant.suspended", "tenant.reactivated", "plan.changed"];

    public async Task<Result?> FindAsync(Guid tenantId, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<SmartbisDb>();
        await db.Database.OpenConnectionAsync(ct);
        var t = await db.Tenants.AsNoTracking().Where(x => x.Id == tenantId).SingleOrDefaultAsync(ct);
        if (t is null) return null;
        var stores = await db.Stores.CountAsync(ct);
        var lastPurchase = await db.DailyStats.Where(d => d.Purchases > 0).MaxAsync(d => (DateOnly?)d.Day, ct);
        var staff = await (
            from m in db.Memberships
            join u in db.Users on m.UserId equals u.Id
            join s in db.Stores on m.StoreId equals s.Id into ss
            from s in ss.DefaultIfEmpty()
            orderby m.Role, m.CreatedAt
            select new StaffRow(u.DisplayName, u.Email ?? "", m.Role, s.Name, m.CreatedAt, u.LastSignInAt)).ToListAsync(ct);
        var messages = await db.Messages.AsNoTracking().Where(m => TenantDirectory.FailedMessage.Contains(m.Status))
            .OrderByDescending(m => m.CreatedAt).Take(RecentErrors)
            .Select(m => new MessageError(m.SentAt ?? m.CreatedAt, m.Trigger, m.Channel, m.Status, m.Error)).ToListAsync(ct);
        var webhooks = await db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.Status == DeliveryStatus.Failed || (d.Status == DeliveryStatus.Pending && d.Attempts > 0))
            .OrderByDescending(d => d.CreatedAt).Take(RecentErrors)
            .Select(d => new WebhookError(d.CreatedAt, d.EventType, d.Status, d.Attempts, d.LastStatusCode, d.LastError)).ToListAsync(ct);
        var actions = await db.Set<AuditEntry>().AsNoTracking().Where(a => OperatorActions.Contains(a.Action))
            .OrderByDescending(a => a.At).Take(RecentErrors)
            .Select(a => new { a.At, a.Actor, a.Action, a.After }).ToListAsync(ct);
        // The last six months of metered usage (the plans capability's usage_months), newest first.
        var usage = await db.UsageMonths.AsNoTracking().OrderByDescending(u => u.Month).Take(6).ToListAsync(ct);
        var jobs = failedJobs.Since(clock.GetUtcNow().AddDays(-7)).Where(j => j.TenantId == tenantId).Take(RecentErrors).ToList();
        return new Result(
            new Summary(t.Id, t.Slug, t.Name, t.PlanCode, t.Status, t.CreatedAt, t.SuspendedAt, t.SuspensionReason, t.TimeZone, stores, lastPurchase),
            staff, messages, webhooks, jobs, actions.Select(a => new OperatorAction(a.At, a.Actor, a.Action,
                a.After?.RootElement.TryGetProperty("reason", out var r) == true ? r.GetString() : null)).ToList(), usage);
    }
}
