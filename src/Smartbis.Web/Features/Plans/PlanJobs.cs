using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Notifications.Email;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Plans;

/// <summary>
/// The hourly plan job (Hangfire "plans:hourly"), for every active tenant, each in its own transaction:
/// 1. a trial that has ended goes back to Free (<see cref="ChangePlan"/>, audited) and the owners are emailed;
/// 2. the month's levels are measured into <c>usage_months</c> (members, active members, stores, staff, the plan);
/// 3. a limit at 80 % or 100 % (members, emails and WhatsApp this month) emails the owners once per limit, threshold
///    and month: the notice's row (<see cref="PlanNotice"/>) and the send are in one transaction, so a failed send is
///    tried again next hour and a sent notice is never sent twice. The dashboard's banner reads the same standing live.
/// </summary>
public sealed class PlanJobs(IServiceScopeFactory scopes, LedgerUnit unit, IEmailSender email, TimeProvider clock, IConfiguration config,
    ILogger<PlanJobs> log)
{
    /// <summary>The limits that notify (stores and staff are refused at the action, where the owner is).</summary>
    public static readonly string[] Notified = [Metrics.Members, Metrics.Emails, Metrics.WhatsApp];

    public async Task<int> RunHourlyAsync()
    {
        List<Guid> tenants;
        await using (var scope = scopes.CreateAsyncScope())
            tenants = await scope.ServiceProvider.GetRequiredService<SmartbisDb>().Tenants
                .Where(t => t.Status == TenantStatus.Active).Select(t => t.Id).ToListAsync();
        var notices = 0;
        foreach (var tenantId in tenants)
        {
            try
            {
                notices += await RunForAsync(tenantId);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Plan job failed for tenant {TenantId}", tenantId);
            }
        }
        return notices;
    }

    /// <summary>One tenant: trial, levels, notices. Returns the notices sent.</summary>
    public async Task<int> RunForAsync(Guid tenantId, CancellationToken ct = default)
    {
        var sent = 0;
        if (await EndTrialAsync(tenantId, ct)) sent++;
        return sent + await unit.RunAsync(tenantId, async db =>
        {
            var now = clock.GetUtcNow();
            await MeasureAsync(db, now, ct);
            var standing = await PlanLimits.StandingAsync(db, now, ct);
            var month = PlanLimits.MonthOf(now);
            var count = 0;
            foreach (var limit in standing.Limits.Where(l => Notified.Contains(l.Metric) && l.Threshold > 0 && l.Limit > 0))
            {
                if (await db.PlanNotices.AnyAsync(n => n.Month == month && n.Metric == limit.Metric && n.Threshold == limit.Threshold, ct)) continue;
                db.PlanNotices.Add(new PlanNotice { Month = month, Metric = limit.Metric, Threshold = limit.Threshold, SentAt = now });
                // 100 % reached at once also counts as the 80 % notice: one email, not two.
                if (limit.Threshold == 100 && !await db.PlanNotices.AnyAsync(n => n.Month == month && n.Metric == limit.Metric && n.Threshold == 80, ct))
                    db.PlanNotices.Add(new PlanNotice { Month = month, Metric = limit.Metric, Threshold = 80, SentAt = now });
                await db.SaveChangesAsync(ct);
                await EmailOwnersAsync(db, TransactionalTemplates.PlanLimitNotice, locale => new Dictionary<string, string>
                {
                    ["metric"] = PlanWords.Metric(limit.Metric, locale), ["percent"] = limit.Threshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["used"] = limit.Used.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["limit"] = limit.Limit!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), ["plan"] = standing.Plan.Name,
                }, ct);
                count++;
            }
            return count;
        }, ct);
    }

    /// <summary>A trial past its end: back to Free, audited, owners told. True when it ended now.</summary>
    private async Task<bool> EndTrialAsync(Guid tenantId, CancellationToken ct) =>
        await unit.RunAsync(tenantId, async db =>
        {
            var now = clock.GetUtcNow();
            var ends = await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.TrialEndsAt).SingleAsync(ct);
            if (ends is null || ends > now) return false;
            await ChangePlan.ExecuteInAsync(db, new ChangePlan.Request(tenantId, PlanDefinition.Free, "trial ended"), AuditActor.System, now, ct);
            var month = PlanLimits.MonthOf(now);
            if (!await db.PlanNotices.AnyAsync(n => n.Month == month && n.Metric == "trial" && n.Threshold == 100, ct))
                db.PlanNotices.Add(new PlanNotice { Month = month, Metric = "trial", Threshold = 100, SentAt = now });
            await db.SaveChangesAsync(ct);
            var free = await db.Plans.Where(p => p.Code == PlanDefinition.Free).Select(p => p.Name).SingleAsync(ct);
            await EmailOwnersAsync(db, TransactionalTemplates.TrialEnded, _ => new Dictionary<string, string> { ["plan"] = free }, ct);
            return true;
        }, ct);

    /// <summary>The month's levels, as of now, into its usage row (one upsert).</summary>
    public static async Task MeasureAsync(SmartbisDb db, DateTimeOffset now, CancellationToken ct)
    {
        var tenantId = db.Tenant.Require();
        var month = PlanLimits.MonthOf(now);
        var start = new DateTimeOffset(month.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var members = await PlanLimits.Members(db).CountAsync(ct);
        var active = await db.Purchases.Where(p => p.CreatedAt >= start && p.CreatedAt < start.AddMonths(1))
            .Join(PlanLimits.Members(db), p => p.CustomerId, c => c.Id, (p, c) => c.Id).Distinct().CountAsync(ct);
        var stores = await db.Stores.CountAsync(s => s.Active, ct);
        var staff = await db.Memberships.CountAsync(ct);
        var plan = await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.PlanCode).SingleAsync(ct);
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO usage_months (tenant_id, month, members_joined, purchases, emails_sent, whats_app_sent, api_calls,
                                      members, active_members, stores, staff, plan_code, measured_at)
            VALUES ({tenantId}, {month}, 0, 0, 0, 0, 0, {members}, {active}, {stores}, {staff}, {plan}, {now})
            ON CONFLICT (tenant_id, month) DO UPDATE SET members = excluded.members, active_members = excluded.active_members,
                stores = excluded.stores, staff = excluded.staff, plan_code = excluded.plan_code, measured_at = excluded.measured_at
            """, ct);
    }

    private async Task EmailOwnersAsync(SmartbisDb db, string template, Func<string, Dictionary<string, string>> values, CancellationToken ct)
    {
        var tenantId = db.Tenant.Require();
        var tenant = await db.Tenants.Where(t => t.Id == tenantId).Select(t => new { t.Name, t.Locale }).SingleAsync(ct);
        var owners = await db.Memberships.Where(m => m.Role == StaffRole.Owner)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { u.Email, u.PreferredLocale }).ToListAsync(ct);
        var baseUrl = config["Smartbis:BaseUrl"] is { Length: > 0 } url ? url.TrimEnd('/') : "http://localhost:5000";
        foreach (var owner in owners.Where(o => !string.IsNullOrEmpty(o.Email)))
        {
            var locale = owner.PreferredLocale ?? tenant.Locale;
            var vars = values(locale);
            vars["brand"] = tenant.Name;
            vars["plan_link"] = baseUrl + PlanLimits.UpgradePath;
            var mail = RenderTemplate.Transactional(template, locale, vars);
            await email.SendAsync(new EmailMessage(owner.Email!, mail.Subject, mail.Html, mail.Text), ct);
        }
    }
}

/// <summary>Plan words the emails need outside a request (the pages use their resources).</summary>
public static class PlanWords
{
    public static string Metric(string metric, string locale)
    {
        var en = DefaultTemplates.NormalizeLocale(locale) == "en";
        return (metric, en) switch
        {
            (Metrics.Members, false) => "membros",
            (Metrics.Members, true) => "members",
            (Metrics.Stores, false) => "lojas",
            (Metrics.Stores, true) => "stores",
            (Metrics.Staff, false) => "pessoas na equipe",
            (Metrics.Staff, true) => "staff members",
            (Metrics.Emails, false) => "emails neste mês",
            (Metrics.Emails, true) => "emails this month",
            (_, false) => "mensagens de WhatsApp neste mês",
            (_, true) => "WhatsApp messages this month",
        };
    }
}
