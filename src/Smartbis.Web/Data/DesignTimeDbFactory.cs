using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Data;

/// <summary>Lets `dotnet ef migrations add` build the model without starting the app.</summary>
public sealed class DesignTimeDbFactory : IDesignTimeDbContextFactory<SmartbisDb>
{
    public SmartbisDb CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SmartbisDb>();
        SmartbisDbSetup.Configure(options, "Host=127.0.0.1;Database=smartbis_design");
        return SmartbisDb.Open(options.Options, new TenantContext());
    }
}
