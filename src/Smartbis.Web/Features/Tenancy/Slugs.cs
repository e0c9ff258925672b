using System.Text.RegularExpressions;

namespace Smartbis.Web.Features.Tenancy;

/// <summary>Rules for a tenant's URL slug: it becomes the first path segment of the public portal.</summary>
public static partial class Slugs
{
    /// <summary>First path segments the application itself uses, or may use; a tenant cannot take them.</summary>
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "app", "counter", "admin", "api", "health", "signup", "signin", "signout", "account", "login", "logout",
        "portal", "static", "assets", "lib", "css", "js", "img", "images", "favicon.ico", "robots.txt",
        "swagger", "openapi", "docs", "help", "support", "plans", "pricing", "terms", "privacy", "about",
        "www", "mail", "smartbis", "jobs", "hangfire", "webhooks", "status", "error", "errors", "join", "new", "unsubscribe",
    };

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$")]
    private static partial Regex Shape();

    /// <summary>Returns an error message, or null when the slug is acceptable (uniqueness is checked elsewhere).</summary>
    public static string? Validate(string? slug)
    {
        if (string.IsNullOrWhiteSpace(slug)) return "slug_required";
        if (!Shape().IsMatch(slug))
            return "slug_format";
        if (Reserved.Contains(slug)) return "slug_reserved";
        return null;
    }
}
