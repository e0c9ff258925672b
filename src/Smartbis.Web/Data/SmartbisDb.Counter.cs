using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Counter;

namespace Smartbis.Web.Data;

public sealed partial class SmartbisDb
{
    public DbSet<CounterSettings> CounterSettings => Set<CounterSettings>();
    public DbSet<RedemptionCode> RedemptionCodes => Set<RedemptionCode>();
    public DbSet<ManagerPin> ManagerPins => Set<ManagerPin>();
    public DbSet<AnomalyFlag> AnomalyFlags => Set<AnomalyFlag>();
}
