namespace Smartbis.Web.Features.Tenancy;

public static class StaffClaims
{
    /// <summary>The tenant the user chose to work in; kept in the sign-in cookie, checked against memberships on every request.</summary>
    public const string Tenant = "smartbis:tenant";
    /// <summary>Added per request from the membership row, never trusted from the cookie.</summary>
    public const string Role = "smartbis:role";
    public const string Store = "smartbis:store";
}
