using Smartbis.Web.Api;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Counter;
using Smartbis.Web.Features.Notifications.Email;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Onboarding;
using Smartbis.Web.Features.Platform;
using Smartbis.Web.Features.Portal;
using Smartbis.Web.Features.Security;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.AddSmartbisLogging();
builder.Services.AddSingleton(TimeProvider.System);
builder.AddSmartbisData();
builder.AddSmartbisDataProtection();
builder.AddSmartbisIdentity();
builder.AddSmartbisSecurity();
builder.AddSmartbisLedger();
builder.AddSmartbisJobs();
builder.AddSmartbisEmail();
builder.AddSmartbisAutomations();
builder.AddSmartbisCounter();
builder.AddSmartbisDashboard();
builder.AddSmartbisPortal();
builder.AddSmartbisWeb();
builder.AddSmartbisApi();

var app = builder.Build();

// `dotnet Smartbis.Web.dll migrate` applies migrations and exits: the documented production path.
if (args.Contains("migrate"))
{
    await app.MigrateDatabaseAsync();
    return;
}

await app.PrepareDatabaseAsync();

app.UseSmartbisPipeline();
app.MapSmartbisEndpoints();
app.MapSmartbisApi();

app.Run();

public partial class Program;
