using Smartbis.Web.Api;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Campaigns;
using Smartbis.Web.Features.Categories;
using Smartbis.Web.Features.Challenges;
using Smartbis.Web.Features.Counter;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Integrations;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Notifications.Email;
using Smartbis.Web.Features.Onboarding;
using Smartbis.Web.Features.Operations;
using Smartbis.Web.Features.Plans;
using Smartbis.Web.Features.Platform;
using Smartbis.Web.Features.Portal;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Purchases;
using Smartbis.Web.Features.Reporting;
using Smartbis.Web.Features.Results;
using Smartbis.Web.Features.Rewards;
using Smartbis.Web.Features.Security;
using Smartbis.Web.Features.Segments;
using Smartbis.Web.Features.Staff;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Features.Tiers;
using Smartbis.Web.Features.Vouchers;
using Smartbis.Web.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

// One Add per capability (Features/<Capability>/<Capability>Setup.cs) or cross-cutting concern, in this order
// (Identity's cookie defaults before the web stack's, the web stack before the API's authentication scheme).
builder.AddSmartbisLogging();
builder.Services.AddSingleton(TimeProvider.System);
builder.AddSmartbisData();
builder.AddSmartbisDataProtection();
builder.AddSmartbisIdentity();      // Tenancy: staff sign-in, memberships, the tenant of each request
builder.AddSmartbisSecurity();
builder.AddSmartbisLedger();
builder.AddSmartbisPrograms();
builder.AddSmartbisCategories();   // product categories the rules exclude, named in pt-BR and en
builder.AddSmartbisCustomers();
builder.AddSmartbisPurchases();
builder.AddSmartbisVouchers();
builder.AddSmartbisTiers();
builder.AddSmartbisChallenges();
builder.AddSmartbisSegments();
builder.AddSmartbisCampaigns();
builder.AddSmartbisRewards();       // the reward catalogue of points programs
builder.AddSmartbisJobs();          // Platform: Hangfire
builder.AddSmartbisEmail();         // Notifications
builder.AddSmartbisAutomations();
builder.AddSmartbisCounter();
builder.AddSmartbisStaff();
builder.AddSmartbisPlans();
builder.AddSmartbisReporting();
builder.AddSmartbisResults();
builder.AddSmartbisOnboarding();
builder.AddSmartbisPortal();
builder.AddCachedCookieTickets();  // after every cookie scheme (staff, member): opens each cookie once a minute per node
builder.AddSmartbisWeb();
builder.AddSmartbisIntegrations();
builder.AddSmartbisApi();
builder.AddSmartbisOperations();   // Operator console: suspension, tenant list, metrics

var app = builder.Build();

// `dotnet Smartbis.Web.dll migrate` applies migrations and exits: the documented production path.
if (args.Contains("migrate"))
{
    await app.MigrateDatabaseAsync();
    return;
}

await app.PrepareDatabaseAsync();

app.UseSmartbisPipeline();
app.MapSmartbisEndpoints();   // pages, health, the jobs dashboard
app.MapSmartbisAutomations(); // the WhatsApp status webhook
app.MapSmartbisApi();

app.Run();

public partial class Program;
