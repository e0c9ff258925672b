using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Smartbis.Tests.Infrastructure;
using Smartbis.Tests.Tenancy;
using Smartbis.Web.Features.Plans;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Tests.Plans;

/// <summary>The fake-clock app with a real SMTP server and one operator, for the plan tests.</summary>
public sealed class PlansFixture : LedgerFixture
{
    public const string OperatorEmail = "operator@plans.test";
    public const string OperatorPassword = "operator passphrase 1";
    public SmtpServer Smtp { get; } = new();

    public override async Task InitializeAsync()
    {
        await Smtp.InitializeAsync();
        await base.InitializeAsync();
        await using var scope = CreateScope();
        var created = await scope.Get<UserManager<AppUser>>().CreateAsync(new AppUser { UserName = OperatorEmail, Email = OperatorEmail, DisplayName = "Operator" }, OperatorPassword);
        created.Succeeded.Should().BeTrue();
    }

    protected override void ConfigureSettings(IDictionary<string, string?> settings)
    {
        base.ConfigureSettings(settings);
        foreach (var (key, value) in Smtp.AppSettings) settings[key] = value;
        settings["Smartbis:Operators"] = OperatorEmail;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }

    /// <summary>A browser-like client of the fake-clock app (cookies, antiforgery, no redirects followed).</summary>
    public FormClient Client() => new(App.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false }));

    public async Task<FormClient> SignedInAsync(string email, string password)
    {
        var client = Client();
        (await client.SignInAsync(email, password)).Dispose();
        return client;
    }

    /// <summary>A tenant (owner, manager, cashier, one store, plain rules) on <paramref name="plan"/>.</summary>
    public async Task<TenantKit.TestTenant> TenantAsync(string slug, string plan)
    {
        var t = await TenantKit.CreateAsync(Factory, slug);
        await using var scope = CreateScope(t.Id);
        await scope.Get<SaveProgramRules>().ExecuteAsync(Features.SampleRules.Plain(), null, Clock.Now.AddDays(-30));
        await SetPlanAsync(t.Id, plan);
        return t;
    }

    /// <summary>
    /// Changes the plan behind the app's back, as an operator's node or a script would; then waits until the app has heard the
    /// change notification (a moment after the commit), as every other node does before its next request.
    /// </summary>
    public async Task SetPlanAsync(Guid tenantId, string plan)
    {
        var cache = App.Services.GetRequiredService<Smartbis.Web.Data.Caching.ConfigCache>();
        var heard = cache.Heard;
        await using (var db = OpenDb())
            await db.Tenants.Where(t => t.Id == tenantId).ExecuteUpdateAsync(u => u.SetProperty(t => t.PlanCode, plan));
        for (var i = 0; i < 100 && cache.Enabled && cache.Heard == heard; i++) await Task.Delay(20);
    }

    /// <summary>A plan of this test database only (the price list is shared by the class's tests: each test makes its own).</summary>
    public async Task<string> PlanAsync(string code, int? members = null, int? stores = null, int? staff = null, int? emails = null,
        bool api = true, bool whatsApp = true, bool automations = true, int trialDays = 0)
    {
        await using var db = OpenDb();
        db.Plans.Add(new PlanDefinition
        {
            Code = code, Name = code.ToUpperInvariant(), Position = 5, PriceCents = 9900, MaxMembers = members, MaxStores = stores, MaxStaff = staff,
            MaxEmailsPerMonth = emails, MaxWhatsAppPerMonth = whatsApp ? 100 : 0, WhatsAppAllowed = whatsApp, ApiAccess = api,
            AutomationsAllowed = automations, TrialDays = trialDays, Public = false, UpdatedAt = Clock.Now,
        });
        await db.SaveChangesAsync();
        return code;
    }
}
