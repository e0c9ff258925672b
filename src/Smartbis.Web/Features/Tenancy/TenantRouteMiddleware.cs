using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;

namespace Smartbis.Web.Features.Tenancy;

/// <summary>
/// For the public portal (/{tenant}/...), sets the tenant from the first path segment before anything else
/// runs, so the page, the culture (the tenant's locale) and the logs all know it. Unknown tenants are left unset:
/// the portal pages answer 404. A suspended tenant's portal stays readable (balances) and says the program is paused.
/// </summary>
public sealed class TenantRouteMiddleware(RequestDelegate next)
{
    public const string ItemKey = "smartbis:portal-tenant";

    public async Task InvokeAsync(HttpContext http, SmartbisDb db, TenantContext tenant)
    {
        var segment = FirstSegment(http.Request.Path);
        if (segment is not null && !tenant.IsSet && !Slugs.Reserved.Contains(segment) && Slugs.Validate(segment) is null)
        {
            // Every portal request asks: the slug's tenant comes from the configuration cache (a slug names one tenant until
            // it is renamed: the row is checked against the slug, and dropped on every node when the tenant changes).
            // Unknown slugs are not kept (anyone can type one).
            var id = await db.CachedAsync(Data.Caching.ConfigCache.Global, "tenant-slug:" + segment,
                () => db.Tenants.Where(t => t.Slug == segment).Select(t => (Guid?)t.Id).SingleOrDefaultAsync(http.RequestAborted), keep: x => x is not null);
            var found = id is not { } tenantId ? null
                : await db.CachedAsync(tenantId, "tenant", () => db.Tenants.AsNoTracking().SingleOrDefaultAsync(t => t.Id == tenantId, http.RequestAborted),
                    keep: t => t is not null);
            if (found is not null && found.Slug != segment)
                found = await db.Tenants.AsNoTracking().SingleOrDefaultAsync(t => t.Slug == segment, http.RequestAborted);
            if (found is not null)
            {
                tenant.Set(found.Id, found.Slug);
                http.Items[ItemKey] = found;
                http.Items["smartbis:locale"] = found.Locale;
            }
        }
        await next(http);
    }

    /// <summary>The portal's tenant (shared with other requests through the configuration cache: read it, never change it).</summary>
    public static Tenant? Current(HttpContext http) => http.Items[ItemKey] as Tenant;

    private static string? FirstSegment(PathString path)
    {
        var value = path.Value;
        if (string.IsNullOrEmpty(value) || value == "/") return null;
        var end = value.IndexOf('/', 1);
        return (end < 0 ? value[1..] : value[1..end]).ToLowerInvariant();
    }
}
