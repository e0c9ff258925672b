using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Integrations;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Operations;

/// <summary>
/// The operator's tenant list (/admin): search by name, slug or owner email, a page of tenants, and for that page only
/// their owner, last activity and health — each figure one grouped read over the page's tenant ids
/// (<c>tenant_id = ANY(@ids)</c>: an index range per tenant, and on a Citus cluster a query per shard merged on the
/// coordinator), never a query per row. Crosses tenants on purpose (<see cref="CrossTenantPurpose.OperatorOverview"/>).
/// </summary>
public sealed class TenantDirectory(SmartbisDb db, FailedJobs failedJobs, TimeProvider clock)
{
    public const int PageSize = 50;

    public sealed record Row(Guid Id, string Slug, string Name, string Plan, TenantStatus Status, DateTimeOffset CreatedAt,
        string? OwnerEmail, DateOnly? LastPurchaseDay, DateTimeOffset? LastSignInAt, int FailedJobs, int FailedMessages, int FailedWebhooks,
        Plans.UsageMonth? Usage = null)
    {
        public bool Healthy => FailedJobs + FailedMessages + FailedWebhooks == 0;
    }

    public sealed record Result(IReadOnlyList<Row> Rows, int Total, int Page, int Pages);

    public async Task<Result> SearchAsync(string? q, int page, CancellationToken ct = default)
    {
        var since = clock.GetUtcNow().AddHours(-24);
        return await CrossTenantRead.RunAsync(db, CrossTenantPurpose.OperatorOverview, async () =>
        {
            var tenants = db.Tenants.AsNoTracking();
            if (!string.IsNullOrWhiteSpace(q))
            {
                var pattern = "%" + Escape(q.Trim()) + "%";
                var owners = db.Memberships.IgnoreQueryFilters().Where(m => m.Role == StaffRole.Owner)
                    .Join(db.Users.Where(u => EF.Functions.ILike(u.Email!, pattern, "\\")), m => m.UserId, u => u.Id, (m, u) => m.TenantId);
                tenants = tenants.Where(t => EF.Functions.ILike(t.Name, pattern, "\\") || EF.Functions.ILike(t.Slug, pattern, "\\") || owners.Contains(t.Id));
            }
            var total = await tenants.CountAsync(ct);
            var pages = Math.Max(1, (total + PageSize - 1) / PageSize);
            page = Math.Clamp(page, 1, pages);
            var rows = await tenants.OrderBy(t => t.Name).ThenBy(t => t.Id).Skip((page - 1) * PageSize).Take(PageSize)
                .Select(t => new { t.Id, t.Slug, t.Name, Plan = t.PlanCode, t.Status, t.CreatedAt }).ToListAsync(ct);
            var ids = rows.Select(r => r.Id).ToList();
            var planNames = await db.Plans.AsNoTracking().ToDictionaryAsync(p => p.Code, p => p.Name, ct);
            // This month's usage (the metering of the plans capability, UTC months), one grouped read for the page.
            var now = clock.GetUtcNow();
            var month = new DateOnly(now.Year, now.Month, 1);
            var usage = await db.UsageMonths.IgnoreQueryFilters().AsNoTracking().Where(u => ids.Contains(u.TenantId) && u.Month == month)
                .ToDictionaryAsync(u => u.TenantId, ct);

            var staff = await db.Memberships.IgnoreQueryFilters().Where(m => ids.Contains(m.TenantId))
                .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { m.TenantId, m.Role, m.CreatedAt, u.Email, u.LastSignInAt })
                .ToListAsync(ct);
            var lastPurchase = await db.DailyStats.IgnoreQueryFilters()
                .Where(d => ids.Contains(d.TenantId) && d.Purchases > 0)
                .GroupBy(d => d.TenantId).Select(g => new { g.Key, Day = g.Max(d => d.Day) })
                .ToDictionaryAsync(x => x.Key, x => x.Day, ct);
            var failedMessages = await db.Messages.IgnoreQueryFilters()
                .Where(m => ids.Contains(m.TenantId) && m.CreatedAt >= since && FailedMessage.Contains(m.Status))
                .GroupBy(m => m.TenantId).Select(g => new { g.Key, N = g.Count() })
                .ToDictionaryAsync(x => x.Key, x => x.N, ct);
            var failedWebhooks = await db.WebhookDeliveries.IgnoreQueryFilters()
                .Where(d => ids.Contains(d.TenantId) && d.CreatedAt >= since
                    && (d.Status == DeliveryStatus.Failed || (d.Status == DeliveryStatus.Pending && d.Attempts > 0)))
                .GroupBy(d => d.TenantId).Select(g => new { g.Key, N = g.Count() })
                .ToDictionaryAsync(x => x.Key, x => x.N, ct);
            var jobs = failedJobs.Since(since).Where(j => j.TenantId is not null)
                .GroupBy(j => j.TenantId!.Value).ToDictionary(g => g.Key, g => g.Count());

            var list = rows.Select(t =>
            {
                var mine = staff.Where(s => s.TenantId == t.Id).ToList();
                return new Row(t.Id, t.Slug, t.Name, planNames.GetValueOrDefault(t.Plan, t.Plan), t.Status, t.CreatedAt,
                    mine.Where(s => s.Role == StaffRole.Owner).OrderBy(s => s.CreatedAt).Select(s => s.Email).FirstOrDefault(),
                    lastPurchase.TryGetValue(t.Id, out var day) ? day : null,
                    mine.Max(s => s.LastSignInAt),
                    jobs.GetValueOrDefault(t.Id), failedMessages.GetValueOrDefault(t.Id), failedWebhooks.GetValueOrDefault(t.Id),
                    usage.GetValueOrDefault(t.Id));
            }).ToList();
            return new Result(list, total, page, pages);
        });
    }

    /// <summary>What the console counts as a failed message: gave up, refused, or lost while sending.</summary>
    public static readonly MessageStatus[] FailedMessage = [MessageStatus.Failed, MessageStatus.Bounced, MessageStatus.Unknown];

    private static string Escape(string s) => s.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
