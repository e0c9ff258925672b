using Microsoft.AspNetCore.Identity;

namespace Smartbis.Web.Features.Tenancy;

/// <summary>A merchant staff user or platform operator (ASP.NET Core Identity). Customers never sign in with this.</summary>
public sealed class AppUser : IdentityUser
{
    public string DisplayName { get; set; } = "";
    /// <summary>"pt-BR" or "en"; null follows the tenant's locale.</summary>
    public string? PreferredLocale { get; set; }
    /// <summary>The last successful password sign-in (<see cref="CheckStaffPassword"/>): the operator's console shows it.</summary>
    public DateTimeOffset? LastSignInAt { get; set; }
}
