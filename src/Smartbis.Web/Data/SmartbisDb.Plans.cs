using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Plans;

namespace Smartbis.Web.Data;

public sealed partial class SmartbisDb
{
    public DbSet<PlanDefinition> Plans => Set<PlanDefinition>();
    public DbSet<UsageMonth> UsageMonths => Set<UsageMonth>();
    public DbSet<PlanNotice> PlanNotices => Set<PlanNotice>();
    public DbSet<LimitGrace> LimitGraces => Set<LimitGrace>();
    public DbSet<UpgradeRequest> UpgradeRequests => Set<UpgradeRequest>();
    public DbSet<PlanEdit> PlanEdits => Set<PlanEdit>();
}
