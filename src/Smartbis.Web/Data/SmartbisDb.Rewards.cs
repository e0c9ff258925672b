using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Rewards;

namespace Smartbis.Web.Data;

public sealed partial class SmartbisDb
{
    public DbSet<Reward> Rewards => Set<Reward>();
    public DbSet<RewardClaim> RewardClaims => Set<RewardClaim>();
}
