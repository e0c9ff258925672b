using Smartbis.Web.Features.Reporting;

namespace Smartbis.Web.Features.Onboarding;

public static class DashboardSetup
{
    /// <summary>The merchant dashboard's operations: sign-up, reporting roll-ups, staff invitations, customer import.</summary>
    public static IHostApplicationBuilder AddSmartbisDashboard(this IHostApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddScoped<SignUp>();
        s.AddScoped<ImportCustomers>();
        s.AddScoped<RollUpDailyStats>();
        s.AddScoped<Staff.InviteStaff>();
        s.AddScoped<Staff.AcceptInvitation>();
        s.AddScoped<Staff.RemoveStaffMember>();
        s.AddScoped<Staff.ChangeStaffRole>();
        s.AddScoped<Customers.BlockCustomer>();
        s.AddScoped<Customers.ExportCustomers>();
        s.AddScoped<ExportLiabilityReport>();
        s.AddScoped<Staff.CancelInvitation>();
        s.AddScoped<MarkJoinPageShared>();
        s.AddScoped<DismissChecklist>();
        s.AddScoped<Tenancy.UpdateBusinessSettings>();
        s.AddScoped<Tenancy.SaveStore>();
        s.AddScoped<Programs.UpdateProgram>();
        return builder;
    }
}
