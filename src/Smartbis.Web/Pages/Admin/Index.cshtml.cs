using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Pages.Admin;

/// <summary>Operators see every tenant: this read crosses tenants on purpose (IgnoreQueryFilters).</summary>
public sealed class IndexModel(SmartbisDb db) : PageModel
{
    public sealed record Row(string Slug, string Name, Plan Plan, TenantStatus Status, int Stores, int Staff, DateTimeOffset CreatedAt);

    public List<Row> Tenants { get; private set; } = [];

    public async Task OnGetAsync() =>
        Tenants = await CrossTenantRead.RunAsync(db, CrossTenantPurpose.OperatorOverview, () => db.Tenants.OrderBy(t => t.Name)
            .Select(t => new Row(t.Slug, t.Name, t.Plan, t.Status,
                db.Stores.IgnoreQueryFilters().Count(s => s.TenantId == t.Id),
                db.Memberships.IgnoreQueryFilters().Count(m => m.TenantId == t.Id),
                t.CreatedAt))
            .ToListAsync());
}
