using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;

namespace Smartbis.Web.Features.Tenancy;

/// <summary>
/// For the staff areas (/app, /counter), sets the tenant from the signed-in user's membership and adds the
/// role from the database, so a revoked or changed membership takes effect on the next request.
/// </summary>
public sealed class StaffTenantMiddleware(RequestDelegate next)
{
    private static readonly string[] StaffAreas = ["/app", "/counter"];

    public async Task InvokeAsync(HttpContext http, SmartbisDb db, TenantContext tenant, CurrentStaff staff)
    {
        if (http.User.Identity?.IsAuthenticated == true && StaffAreas.Any(a => http.Request.Path.StartsWithSegments(a)))
        {
            var userId = http.User.FindFirstValue(ClaimTypes.NameIdentifier)!;
            Guid.TryParse(http.User.FindFirstValue(StaffClaims.Tenant), out var chosen);
            var (membership, t) = await FindMembershipAsync(db, userId, chosen, http.RequestAborted);
            if (membership is not null && t is not null)
            {
                tenant.Set(t.Id, t.Slug);
                staff.Membership = membership;
                staff.Tenant = t;
                var claims = new List<Claim> { new(StaffClaims.Role, membership.Role.ToString()) };
                if (membership.StoreId is { } store) claims.Add(new(StaffClaims.Store, store.ToString()));
                http.User.AddIdentity(new ClaimsIdentity(claims, "membership"));
            }
        }
        await next(http);
    }

    /// <summary>
    /// The one place that reads memberships across tenants: a user's own memberships, to find the tenant to work in.
    /// With a chosen tenant (the cookie's), only that membership counts: a removed membership is no access, never a
    /// silent switch to another business. Without one (sign-in), the oldest membership.
    /// </summary>
    public static async Task<(Membership?, Tenant?)> FindMembershipAsync(SmartbisDb db, string userId, Guid chosen, CancellationToken ct)
    {
        // Every staff request asks: the user's memberships and the tenant's row come from the configuration cache (a change
        // to any membership drops every node's memberships; a change to the tenant drops its row). Callers only read them.
        var rows = await db.CachedAsync(Data.Caching.ConfigCache.Global, "memberships:" + userId, () => CrossTenantRead.RunAsync(db, CrossTenantPurpose.StaffMemberships,
            () => db.Memberships.IgnoreQueryFilters().AsNoTracking()
                .Where(m => m.UserId == userId)
                .OrderBy(m => m.CreatedAt)
                .ToListAsync(ct)));
        var m = chosen == Guid.Empty ? rows.FirstOrDefault() : rows.FirstOrDefault(x => x.TenantId == chosen);
        if (m is null) return (null, null);
        var t = await db.CachedAsync(m.TenantId, "tenant", () => CrossTenantRead.RunAsync(db, CrossTenantPurpose.StaffMemberships,
            () => db.Tenants.AsNoTracking().SingleOrDefaultAsync(x => x.Id == m.TenantId, ct)), keep: x => x is not null);
        return t is null ? (null, null) : (m, t);
    }
}
