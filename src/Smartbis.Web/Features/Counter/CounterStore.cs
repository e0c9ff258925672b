using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Counter;

/// <summary>
/// Which store the counter works for: a cashier bound to a store always works there; anyone else (managers,
/// owners, unbound cashiers) picks a store once per shift, remembered in a cookie and re-checked on every request.
/// </summary>
public static class CounterStore
{
    public const string Cookie = "smartbis.counter.store";

    public sealed record StoreView(Guid Id, string Name);

    public static async Task<StoreView?> CurrentAsync(HttpContext http, SmartbisDb db, CurrentStaff staff, CancellationToken ct = default)
    {
        Guid? id = staff.Membership?.StoreId;
        if (id is null && Guid.TryParse(http.Request.Cookies[Cookie], out var chosen)) id = chosen;
        if (id is null || db.Tenant.TenantId is not { } tenantId) return null; // no tenant: no store would be found
        // Read on every counter request: from the configuration cache (stores carry its trigger), an unknown or inactive id never kept.
        return await db.CachedAsync(tenantId, "counter-store:" + id, () =>
            db.Stores.Where(s => s.Id == id && s.Active).Select(s => new StoreView(s.Id, s.Name)).SingleOrDefaultAsync(ct), keep: s => s is not null);
    }

    /// <summary>A bound cashier cannot move; anyone else may choose any active store of the tenant.</summary>
    public static bool CanChoose(CurrentStaff staff) => staff.Membership?.StoreId is null;

    public static void Remember(HttpContext http, Guid storeId) =>
        http.Response.Cookies.Append(Cookie, storeId.ToString(), new CookieOptions
        {
            HttpOnly = true, Secure = true, SameSite = SameSiteMode.Lax, IsEssential = true,
            MaxAge = TimeSpan.FromHours(14), // a shift, not forever
        });
}
