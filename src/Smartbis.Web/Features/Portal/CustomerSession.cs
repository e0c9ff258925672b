using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Portal;

/// <summary>
/// A member's signed-in session in the portal: its own cookie scheme ("smartbis.customer"), separate from the
/// staff Identity cookie, so a customer never becomes a staff user and signing out of one leaves the other.
/// The cookie names the tenant: on another tenant's pages it counts as not signed in. It also names a server-side
/// session (<see cref="PortalSession"/>), checked on every request of its tenant (no cache): signing out, deleting
/// or blocking the member revokes it, and every copy of the cookie stops working on every web node at once.
/// </summary>
public static class CustomerSession
{
    public const string Scheme = "smartbis.customer";
    public const string CustomerClaim = "smartbis:customer";
    public const string TenantClaim = "smartbis:tenant";
    public const string SessionClaim = "smartbis:session";

    public static IHostApplicationBuilder AddCustomerSession(this IHostApplicationBuilder builder)
    {
        builder.Services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.Cookie.Name = "smartbis.customer";
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = Infrastructure.Cookies.SecurePolicy(builder.Environment);
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromDays(30);
            o.Events.OnValidatePrincipal = ValidateAsync;
        });
        return builder;
    }

    /// <summary>
    /// On the pages of the cookie's own tenant (the tenant of the request is set by then): the session row must be
    /// open, else the cookie is rejected and cleared. On another tenant's pages the cookie counts for nothing anyway
    /// (<see cref="CustomerIdAsync"/>) and is left alone, so visiting B does not end a session of A.
    /// </summary>
    private static async Task ValidateAsync(CookieValidatePrincipalContext ctx)
    {
        var tenant = ctx.HttpContext.RequestServices.GetRequiredService<TenantContext>();
        var principal = ctx.Principal;
        if (principal is null || tenant.TenantId is not { } tenantId || principal.FindFirstValue(TenantClaim) != tenantId.ToString()) return;
        var open = Guid.TryParse(principal.FindFirstValue(SessionClaim), out var session)
                   && Guid.TryParse(principal.FindFirstValue(CustomerClaim), out var customer)
                   && await PortalSessions.IsOpenAsync(ctx.HttpContext.RequestServices.GetRequiredService<SmartbisDb>(), session, customer,
                       ctx.HttpContext.RequestAborted);
        if (open) return;
        ctx.RejectPrincipal();
        await ctx.HttpContext.SignOutAsync(Scheme);
    }

    /// <summary>Opens a server-side session for the member and issues the cookie that names it.</summary>
    public static async Task SignInAsync(HttpContext http, Guid tenantId, Guid customerId)
    {
        var db = http.RequestServices.GetRequiredService<SmartbisDb>();
        var clock = http.RequestServices.GetRequiredService<TimeProvider>();
        var session = await PortalSessions.OpenAsync(db, customerId, clock.GetUtcNow(), http.RequestAborted);
        var identity = new ClaimsIdentity(
            [new Claim(CustomerClaim, customerId.ToString()), new Claim(TenantClaim, tenantId.ToString()), new Claim(SessionClaim, session.ToString())],
            Scheme);
        await http.SignInAsync(Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = true });
    }

    /// <summary>Revokes this cookie's server-side session (every copy of it dies) and clears the cookie.</summary>
    public static async Task SignOutAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync(Scheme);
        if (result.Succeeded && Guid.TryParse(result.Principal.FindFirstValue(SessionClaim), out var session))
        {
            var db = http.RequestServices.GetRequiredService<SmartbisDb>();
            var clock = http.RequestServices.GetRequiredService<TimeProvider>();
            await PortalSessions.RevokeAsync(db, session, clock.GetUtcNow(), http.RequestAborted);
        }
        await http.SignOutAsync(Scheme);
    }

    /// <summary>The signed-in member of this tenant, or null (not signed in, signed in to another tenant, or a revoked session).</summary>
    public static async Task<Guid?> CustomerIdAsync(HttpContext http, Guid tenantId)
    {
        var result = await http.AuthenticateAsync(Scheme);
        if (!result.Succeeded) return null;
        var tenant = result.Principal.FindFirstValue(TenantClaim);
        var customer = result.Principal.FindFirstValue(CustomerClaim);
        return tenant == tenantId.ToString() && Guid.TryParse(customer, out var id) ? id : null;
    }
}
