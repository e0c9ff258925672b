using System.Security.Claims;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Audit;

/// <summary>Who is acting in this request (or job): read once from the signed-in user and their membership.</summary>
public sealed record AuditActor(string? UserId, string Name, Guid? StoreId, string? IpAddress)
{
    public static readonly AuditActor System = new(null, "system", null, null);

    public static AuditActor From(HttpContext http, CurrentStaff? staff = null) => new(
        http.User.FindFirstValue(ClaimTypes.NameIdentifier),
        http.User.FindFirstValue(ClaimTypes.Email) ?? http.User.Identity?.Name ?? "anonymous",
        staff?.Membership?.StoreId,
        http.Connection.RemoteIpAddress?.ToString());
}
