using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Security;

namespace Smartbis.Web.Data;

public sealed partial class SmartbisDb
{
    public DbSet<AttemptCounter> AttemptCounters => Set<AttemptCounter>();
}
