namespace Smartbis.Web.Infrastructure;

public static class SecurityHeaders
{
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((http, next) =>
        {
            var h = http.Response.Headers;
            h.XContentTypeOptions = "nosniff";
            h.XFrameOptions = "DENY";
            h["Referrer-Policy"] = "strict-origin-when-cross-origin";
            h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            // Scripts and styles come from our own origin; inline styles are allowed for the brand colour
            // and the Hangfire dashboard, which also needs inline scripts under /admin/jobs only; so does the
            // API reference (Scalar) under /api/docs, a page without user data or forms.
            var inlineScripts = http.Request.Path.StartsWithSegments("/admin/jobs") || http.Request.Path.StartsWithSegments("/api/docs");
            var scripts = inlineScripts ? "'self' 'unsafe-inline'" : "'self'";
            h.ContentSecurityPolicy =
                $"default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; script-src {scripts}; " +
                "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
            return next();
        });
}
