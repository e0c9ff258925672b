using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Pages.Admin;

/// <summary>Operators see every tenant: this read crosses tenants on purpose (IgnoreQueryFilters).</summary>
public sealed class IndexModel(SmartbisDb db) : PageModel
{
    public sealed record Row(string Slug, string Name, string Plan, TenantStatus Status, int Stores, int Staff, DateTimeOffset CreatedAt);

    public List<Row> Tenants { get; private set; } = [];

    // Counts per tenant as two grouped reads, not a subquery per tenant row: on a Citus cluster tenants is a reference
    // table and stores/memberships are sharded, and a correlated subquery from one into the other cannot be pushed down
    // (docs/scaling.md); a GROUP BY tenant_id runs on every shard and is merged on the coordinator.
    public async Task OnGetAsync() =>
        Tenants = await CrossTenantRead.RunAsync(db, CrossTenantPurpose.OperatorOverview, async () =>
        {
            var stores = await db.Stores.IgnoreQueryFilters().GroupBy(s => s.TenantId).Select(g => new { g.Key, N = g.Count() })
                .ToDictionaryAsync(x => x.Key, x => x.N);
            var staff = await db.Memberships.IgnoreQueryFilters().GroupBy(m => m.TenantId).Select(g => new { g.Key, N = g.Count() })
                .ToDictionaryAsync(x => x.Key, x => x.N);
            var tenants = await db.Tenants.OrderBy(t => t.Name).Select(t => new { t.Id, t.Slug, t.Name, t.PlanCode, t.Status, t.CreatedAt }).ToListAsync();
            return tenants.Select(t => new Row(t.Slug, t.Name, t.PlanCode, t.Status, stores.GetValueOrDefault(t.Id), staff.GetValueOrDefault(t.Id), t.CreatedAt)).ToList();
        });
}
