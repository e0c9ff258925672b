namespace Smartbis.Web.Features.Tenancy;

/// <summary>The signed-in staff member's membership for this request (set by <see cref="StaffTenantMiddleware"/>).</summary>
public sealed class CurrentStaff
{
    public Membership? Membership { get; set; }
    public Tenant? Tenant { get; set; }
    public StaffRole? Role => Membership?.Role;
    public bool IsManager => Role is StaffRole.Owner or StaffRole.Manager;
}
