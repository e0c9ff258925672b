using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Tests.Tenancy;

/// <summary>Creates a tenant with a store and staff through the app's own services, for page and tenancy tests.</summary>
public static class TenantKit
{
    /// <summary>
    /// The plan test tenants start on: Pro, so that tests of other capabilities (API, WhatsApp, staff) are not bounded by
    /// the Free plan's limits. Plan tests set the plan they test (Features/Plans).
    /// </summary>
    public const string PlanCode = Web.Features.Plans.PlanDefinition.Pro;

    public sealed record Staff(string Email, string Password, string UserId);
    public sealed record TestTenant(Guid Id, string Slug, Guid StoreId, Staff Owner, Staff Manager, Staff Cashier);

    public static async Task<TestTenant> CreateAsync(SmartbisFactory factory, string slug)
    {
        var tenantId = Guid.CreateVersion7();
        await using var scope = factory.CreateScope();
        var db = scope.Db;
        db.Tenants.Add(new Tenant { Id = tenantId, Slug = slug, Name = $"Business {slug}", CreatedAt = DateTimeOffset.UtcNow, PlanCode = PlanCode });
        await db.SaveChangesAsync();
        scope.Tenant.Set(tenantId, slug);
        var store = new Store { Name = $"{slug} main store", CreatedAt = DateTimeOffset.UtcNow };
        db.Stores.Add(store);
        // The merchant's product categories (what the rules editor offers), as the demo seeds them.
        foreach (var (code, pt, en) in Smartbis.Web.Data.Seed.DemoSeed.DemoCategories)
            db.ProductCategories.Add(new Smartbis.Web.Features.Categories.ProductCategory { Code = code, NamePt = pt, NameEn = en, CreatedAt = DateTimeOffset.UtcNow });
        var users = scope.Services.GetRequiredService<UserManager<AppUser>>();
        async Task<Staff> Member(string role, StaffRole staffRole, Guid? storeId)
        {
            var email = $"{role}@{slug}.test";
            var password = $"{role}-password-{slug}";
            var user = new AppUser { UserName = email, Email = email, DisplayName = role };
            var created = await users.CreateAsync(user, password);
            created.Succeeded.Should().BeTrue(string.Join(", ", created.Errors.Select(e => e.Description)));
            db.Memberships.Add(new Membership { UserId = user.Id, Role = staffRole, StoreId = storeId, CreatedAt = DateTimeOffset.UtcNow });
            return new Staff(email, password, user.Id);
        }
        var owner = await Member("owner", StaffRole.Owner, null);
        var manager = await Member("manager", StaffRole.Manager, null);
        var cashier = await Member("cashier", StaffRole.Cashier, store.Id);
        await db.SaveChangesAsync();
        return new TestTenant(tenantId, slug, store.Id, owner, manager, cashier);
    }
}
