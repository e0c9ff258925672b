using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Data.Seed;

/// <summary>
/// Development only: the two reference programs of PRODUCT.md as tenants (cashback), a third with a points program
/// (Empório Aurora), with staff and an operator.
/// Safe to run on every start: what exists is left alone.
/// </summary>
public sealed class DemoSeed(
    IServiceScopeFactory scopes, UserManager<AppUser> users, DemoHistory history, IConfiguration config, TimeProvider clock, ILogger<DemoSeed> log)
{
    public sealed record DemoUser(string Email, string Password, string Name);
    public sealed record DemoTenant(string Slug, string Name, string CurrencyName, string[] Stores, DemoUser Owner, DemoUser Cashier, ProgramRules Rules,
        DemoUser? Manager = null, string PrimaryColor = "#0d6efd");

    /// <summary>Every demo tenant's product categories: code, pt-BR name, English name.</summary>
    public static readonly (string Code, string Pt, string En)[] DemoCategories =
    [
        ("prescription", "medicamentos com receita", "prescription medicines"),
        ("general", "produtos em geral", "general goods"),
        ("tobacco", "tabaco", "tobacco"),
    ];

    public static readonly DemoTenant[] Tenants =
    [
        new("velluto", "Velluto Farmácias", "Cashback", ["Velluto Centro", "Velluto Jardins", "Velluto Shopping"],
            new("owner@velluto.demo", "velluto-owner-2026", "Marina Velluto"),
            new("cashier@velluto.demo", "velluto-cashier-2026", "Paulo Caixa"),
            // PRODUCT.md's pharmacy: 5%, prescriptions excluded, a voucher of R$ 20,00 each time the balance reaches it.
            new ProgramRules
            {
                EarnRateBps = 500, PendingDays = 7, ExpiryDays = 90, ExcludedCategories = ["prescription"],
                VoucherMode = VoucherMode.Threshold, VoucherThresholdCents = 20_00, VoucherValidityDays = 30,
                ReferrerRewardCents = 10_00, RefereeRewardCents = 5_00, ReferralMinPurchaseCents = 50_00, ReferralMonthlyCap = 5,
                BirthdayBonusCents = 5_00,
                Boosts = [new Boost { Name = "Terça em dobro", RateBps = 1000, Weekdays = [DayOfWeek.Tuesday] }],
            }, PrimaryColor: "#7a1f5c"), // each demo merchant in its own colours, so the branding shows: Velluto's wine
        new("litoralcash", "LITORALCASH Clube de Benefícios", "LitoralCash", ["LitoralCash Loja Praia"],
            new("owner@litoralcash.demo", "litoral-owner-2026", "Rafael Litoral"),
            new("cashier@litoralcash.demo", "litoral-cashier-2026", "Ana Caixa"),
            // PRODUCT.md's retail club: 5% in LitoralCash, spent directly at the counter (up to half a purchase).
            new ProgramRules
            {
                EarnRateBps = 500, PendingDays = 0, ExpiryDays = 180, VoucherMode = VoucherMode.None,
                MinRedeemBalanceCents = 10_00, MaxRedeemShareBps = 5_000, WelcomeBonusCents = 5_00,
            }, PrimaryColor: "#006d77"), // the sea's teal
        new("aurora", "Empório Aurora", "Pontos Aurora", ["Empório Aurora Centro", "Empório Aurora Bairro Alto"],
            new("owner@aurora.demo", "aurora-owner-2026", "Helena Aurora"),
            new("cashier@aurora.demo", "aurora-cashier-2026", "Caio Caixa"),
            // A points program: 1 point per R$ 1,00, available at once, each lot valid 365 days; points are spent on the
            // reward catalogue (never as money at the counter); a point costs the merchant R$ 0,02.
            new ProgramRules
            {
                RewardType = RewardType.Points, PointsPerCurrencyUnit = 1, EarnRateBps = 0, CostPerPointCents = 2,
                PendingDays = 0, ExpiryDays = 365, VoucherMode = VoucherMode.None, MinRedeemBalanceCents = 0,
                WelcomeBonusCents = 50, BirthdayBonusCents = 100, ReferrerRewardCents = 200, RefereeRewardCents = 100,
                ReferralMinPurchaseCents = 30_00, ReferralMonthlyCap = 5,
                Boosts = [new Boost { Name = "Sábado em dobro", PointsPerCurrencyUnit = 2, Weekdays = [DayOfWeek.Saturday] }],
            },
            new("manager@aurora.demo", "aurora-manager-2026", "Marcos Gerente"), PrimaryColor: "#9a3412"), // dawn amber
    ];

    public static readonly DemoUser Operator = new("operator@smartbis.demo", "smartbis-operator-2026", "Smartbis Operator");

    public async Task RunAsync(CancellationToken ct = default)
    {
        for (var i = 0; i < Tenants.Length; i++) await SeedTenantAsync(Tenants[i], seed: i + 1, ct);
        foreach (var slug in DemoTiersSeed.Slugs) await DemoTiersSeed.ForSlugAsync(scopes, slug, clock, ct); // tiers: Velluto, and Aurora once it exists
        await DemoRewardsSeed.RunForSlugAsync(scopes, "aurora", clock, ct); // the points merchant's catalogue (when it exists)
        await DemoResultsSeed.RunAsync(scopes, clock, ct); // a control group since seven months and the members who joined under it
        await DemoCampaignsSeed.ForSlugAsync(scopes, "velluto", clock, ct); // segments, tags and a measured campaign
        await EnsureUserAsync(Operator);
        await WriteDemoJsonAsync(ct);
    }

    private async Task SeedTenantAsync(DemoTenant demo, int seed, CancellationToken ct)
    {
        // A scope per tenant: the tenant context is set once per scope.
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SmartbisDb>();
        var tenant = await db.Tenants.SingleOrDefaultAsync(t => t.Slug == demo.Slug, ct);
        if (tenant is not null) return;

        var now = clock.GetUtcNow();
        tenant = new Tenant { Slug = demo.Slug, Name = demo.Name, CurrencyName = demo.CurrencyName, PrimaryColor = demo.PrimaryColor, CreatedAt = now, PlanCode = Features.Plans.PlanDefinition.Growth };
        db.Tenants.Add(tenant);
        db.Tenant.Set(tenant.Id, tenant.Slug);
        var stores = demo.Stores.Select(n => new Store { Name = n, CreatedAt = now }).ToList();
        db.Stores.AddRange(stores);
        // The categories the demo's purchase lines use, named for people (the rules editor offers them; customers read the names).
        foreach (var (code, pt, en) in DemoCategories)
            db.ProductCategories.Add(new Features.Categories.ProductCategory { Code = code, NamePt = pt, NameEn = en, CreatedAt = now });
        var owner = await EnsureUserAsync(demo.Owner);
        var cashier = await EnsureUserAsync(demo.Cashier);
        db.Memberships.Add(new Membership { UserId = owner.Id, Role = StaffRole.Owner, CreatedAt = now });
        db.Memberships.Add(new Membership { UserId = cashier.Id, Role = StaffRole.Cashier, StoreId = stores[0].Id, CreatedAt = now });
        if (demo.Manager is not null)
            db.Memberships.Add(new Membership { UserId = (await EnsureUserAsync(demo.Manager)).Id, Role = StaffRole.Manager, CreatedAt = now });
        await db.SaveChangesAsync(ct);
        // Rules in force from before the history starts, then the history itself through the operations.
        await new SaveProgramRules(db, clock).ExecuteAsync(demo.Rules, owner.Id, now.AddDays(-history.Days - 1), ct);
        log.LogInformation("Seeded demo tenant {Slug}; generating its history", demo.Slug);
        await history.RunAsync(tenant.Id, stores.Select(s => s.Id).ToList(), demo.Rules, seed, now, ct);
    }

    private async Task<AppUser> EnsureUserAsync(DemoUser u)
    {
        var user = await users.FindByEmailAsync(u.Email);
        if (user is not null) return user;
        user = new AppUser { UserName = u.Email, Email = u.Email, EmailConfirmed = true, DisplayName = u.Name };
        var result = await users.CreateAsync(user, u.Password);
        if (!result.Succeeded) throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
        return user;
    }

    /// <summary>Scripts and browser tests read the sign-ins from here (.data/demo.json under ./run.sh).</summary>
    private async Task WriteDemoJsonAsync(CancellationToken ct)
    {
        var path = config["Smartbis:DemoJsonPath"];
        if (string.IsNullOrEmpty(path)) return;
        var apiKeys = await DemoApiKeysAsync(path, ct);
        var doc = new
        {
            baseUrl = config["Smartbis:BaseUrl"] ?? "http://localhost:5000",
            tenants = Tenants.Select(t => new
            {
                slug = t.Slug,
                name = t.Name,
                owner = new { email = t.Owner.Email, password = t.Owner.Password },
                cashier = new { email = t.Cashier.Email, password = t.Cashier.Password },
                manager = t.Manager is null ? null : new { email = t.Manager.Email, password = t.Manager.Password },
                rewardType = RewardUnits.Code(t.Rules.RewardType),
                apiKey = apiKeys.GetValueOrDefault(t.Slug),
                sampleVoucherCode = apiKeys.GetValueOrDefault(t.Slug + ":voucher"),
            }),
            @operator = new { email = Operator.Email, password = Operator.Password },
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true }), ct);
    }

    /// <summary>One API key per demo tenant (bound to its first store); the one already in demo.json is kept while valid.</summary>
    private async Task<Dictionary<string, string?>> DemoApiKeysAsync(string path, CancellationToken ct)
    {
        var previous = new Dictionary<string, string>();
        try
        {
            if (File.Exists(path))
                foreach (var t in JsonDocument.Parse(await File.ReadAllTextAsync(path, ct)).RootElement.GetProperty("tenants").EnumerateArray())
                    if (t.TryGetProperty("apiKey", out var k) && k.ValueKind == JsonValueKind.String)
                        previous[t.GetProperty("slug").GetString()!] = k.GetString()!;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException) { /* a new file is written below */ }
        await using var scope = scopes.CreateAsyncScope();
        var keys = scope.ServiceProvider.GetRequiredService<Features.Integrations.DemoApiKeys>();
        var result = new Dictionary<string, string?>();
        foreach (var t in Tenants)
        {
            result[t.Slug] = await keys.EnsureAsync(t.Slug, t.Stores[0], previous.GetValueOrDefault(t.Slug), ct);
            result[t.Slug + ":voucher"] = await keys.SampleVoucherAsync(t.Slug, ct);
        }
        return result;
    }
}
