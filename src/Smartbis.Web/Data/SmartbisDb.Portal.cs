using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Portal;
using Smartbis.Web.Features.Referrals;

namespace Smartbis.Web.Data;

public sealed partial class SmartbisDb
{
    public DbSet<SignInCode> SignInCodes => Set<SignInCode>();
    public DbSet<PortalSession> PortalSessions => Set<PortalSession>();
    public DbSet<Referral> Referrals => Set<Referral>();
}
