using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Smartbis.Web.Features.Portal;

/// <summary>
/// A member's signed-in session in the portal: its own cookie scheme ("smartbis.customer"), separate from the
/// staff Identity cookie, so a customer never becomes a staff user and signing out of one leaves the other.
/// The cookie names the tenant: on another tenant's pages it counts as not signed in.
/// </summary>
public static class CustomerSession
{
    public const string Scheme = "smartbis.customer";
    public const string CustomerClaim = "smartbis:customer";
    public const string TenantClaim = "smartbis:tenant";

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
        });
        return builder;
    }

    public static Task SignInAsync(HttpContext http, Guid tenantId, Guid customerId)
    {
        var identity = new ClaimsIdentity(
            [new Claim(CustomerClaim, customerId.ToString()), new Claim(TenantClaim, tenantId.ToString())], Scheme);
        return http.SignInAsync(Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = true });
    }

    public static Task SignOutAsync(HttpContext http) => http.SignOutAsync(Scheme);

    /// <summary>The signed-in member of this tenant, or null (not signed in, or signed in to another tenant).</summary>
    public static async Task<Guid?> CustomerIdAsync(HttpContext http, Guid tenantId)
    {
        var result = await http.AuthenticateAsync(Scheme);
        if (!result.Succeeded) return null;
        var tenant = result.Principal.FindFirstValue(TenantClaim);
        var customer = result.Principal.FindFirstValue(CustomerClaim);
        return tenant == tenantId.ToString() && Guid.TryParse(customer, out var id) ? id : null;
    }
}
