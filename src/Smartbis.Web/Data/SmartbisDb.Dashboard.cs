using Microsoft.EntityFrameworkCore;

namespace Smartbis.Web.Data;

public sealed partial class SmartbisDb
{
    public DbSet<Features.Reporting.DailyStats> DailyStats => Set<Features.Reporting.DailyStats>();
    public DbSet<Features.Reporting.DailyBuyers> DailyBuyers => Set<Features.Reporting.DailyBuyers>();
    public DbSet<Features.Reporting.StatsWatermark> StatsWatermarks => Set<Features.Reporting.StatsWatermark>();
    public DbSet<Features.Staff.StaffInvitation> StaffInvitations => Set<Features.Staff.StaffInvitation>();
    public DbSet<Features.Onboarding.OnboardingProgress> OnboardingProgress => Set<Features.Onboarding.OnboardingProgress>();
}
