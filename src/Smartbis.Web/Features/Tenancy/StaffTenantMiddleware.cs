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
        var rows = await CrossTenantRead.RunAsync(db, CrossTenantPurpose.StaffMemberships, () => db.Memberships.IgnoreQueryFilters()
            .Where(m => m.UserId == userId)
            .Join(db.Tenants, m => m.TenantId, t => t.Id, (m, t) => new { m, t })
            .OrderBy(x => x.m.CreatedAt)
            .ToListAsync(ct));
        var row = chosen == Guid.Empty ? rows.FirstOrDefault() : rows.FirstOrDefault(x => x.t.Id == chosen);
        return (row?.m, row?.t);
    }
}
