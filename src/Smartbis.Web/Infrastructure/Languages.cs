using Microsoft.AspNetCore.Localization;

namespace Smartbis.Web.Infrastructure;

public static class Languages
{
    /// <summary>The user's explicit language choice outlives the session (a year), like any site's language picker.</summary>
    public static void Remember(HttpResponse response, string culture) =>
        response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { MaxAge = TimeSpan.FromDays(365), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = response.HttpContext.Request.IsHttps });
}
