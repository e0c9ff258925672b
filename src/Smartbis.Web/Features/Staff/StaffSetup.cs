namespace Smartbis.Web.Features.Staff;

public static class StaffSetup
{
    /// <summary>Staff: invitations, accepting them, role changes and removal.</summary>
    public static IHostApplicationBuilder AddSmartbisStaff(this IHostApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddScoped<InviteStaff>();
        s.AddScoped<AcceptInvitation>();
        s.AddScoped<RemoveStaffMember>();
        s.AddScoped<ChangeStaffRole>();
        return builder;
    }
}
