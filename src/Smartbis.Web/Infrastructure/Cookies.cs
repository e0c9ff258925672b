namespace Smartbis.Web.Infrastructure;

public static class Cookies
{
    /// <summary>
    /// Cookies are Secure-only in every real deployment. Development (./run.sh) serves plain http://localhost,
    /// where a Secure-only policy would make every form fail, so there they follow the request.
    /// </summary>
    public static CookieSecurePolicy SecurePolicy(IHostEnvironment env) =>
        env.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
}
