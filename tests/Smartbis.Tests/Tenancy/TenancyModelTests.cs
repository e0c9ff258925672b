using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Tests.Tenancy;

public sealed class TenancyModelTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private static IReadOnlyList<IEntityType> TenantOwned(SmartbisDb db) =>
        db.Model.GetEntityTypes().Where(e => typeof(ITenantOwned).IsAssignableFrom(e.ClrType) && !e.IsOwned()).ToList();

    // Unique across tenants on purpose, on a reference table only (DistributabilityTests): tenant_keys holds what must
    // name exactly one tenant on the platform — an API key's hash, a WhatsApp Business phone number id (Meta's).
    private static readonly HashSet<string> PlatformWideUnique = ["ix_tenant_keys_kind_key"];

    [Fact]
    public async Task Every_tenant_owned_entity_has_the_tenant_filter_and_a_key_starting_with_tenant_id()
    {
        await using var scope = fixture.CreateScope();
        var entities = TenantOwned(scope.Db);
        entities.Should().HaveCountGreaterThan(10, "the ledger, customers, stores and memberships are all tenant-owned");
        foreach (var e in entities)
        {
            e.GetDeclaredQueryFilters().Select(f => f.Key).Should().Contain(SmartbisDb.TenantFilter, $"{e.ClrType.Name} must carry the tenant filter");
            var key = e.FindPrimaryKey()!;
            key.Properties[0].GetColumnName().Should().Be("tenant_id", $"{e.ClrType.Name}'s primary key must start with tenant_id");
            foreach (var index in e.GetIndexes().Where(i => i.IsUnique && !PlatformWideUnique.Contains(i.GetDatabaseName()!)))
                index.Properties.Select(p => p.GetColumnName()).Should().Contain("tenant_id", $"unique index {index.GetDatabaseName()} must include tenant_id");
        }
    }

    [Fact]
    public async Task Every_foreign_key_between_tenant_owned_tables_includes_tenant_id()
    {
        await using var scope = fixture.CreateScope();
        var owned = TenantOwned(scope.Db).ToHashSet();
        var fks = owned.SelectMany(e => e.GetForeignKeys()).Where(fk => owned.Contains(fk.PrincipalEntityType)).ToList();
        fks.Should().NotBeEmpty();
        foreach (var fk in fks)
            fk.Properties.Select(p => p.GetColumnName()).Should().StartWith(["tenant_id"],
                $"{fk.DeclaringEntityType.ClrType.Name} → {fk.PrincipalEntityType.ClrType.Name} must be keyed by tenant");
    }

    [Fact]
    public async Task Saving_another_tenants_row_or_a_tenant_row_without_a_tenant_throws()
    {
        var a = await TenantKit.CreateAsync(fixture.Factory, "tenancy-a");
        var b = await TenantKit.CreateAsync(fixture.Factory, "tenancy-b");

        await using (var scope = fixture.CreateScope(a.Id))
        {
            scope.Db.Stores.Add(new Store { TenantId = b.Id, Name = "sneaky" });
            var save = () => scope.Db.SaveChangesAsync();
            await save.Should().ThrowAsync<TenantViolationException>();
        }
        await using (var scope = fixture.CreateScope())
        {
            scope.Db.Stores.Add(new Store { TenantId = a.Id, Name = "no tenant set" });
            var save = () => scope.Db.SaveChangesAsync();
            await save.Should().ThrowAsync<TenantViolationException>();
        }
        await using (var scope = fixture.CreateScope(a.Id))
        {
            // Attaching B's row by id and modifying it is refused too.
            var stranger = new Store { TenantId = b.Id, Id = b.StoreId, Name = "renamed by A" };
            scope.Db.Stores.Attach(stranger);
            stranger.Name = "renamed by A!";
            var save = () => scope.Db.SaveChangesAsync();
            await save.Should().ThrowAsync<TenantViolationException>();
        }
        await using (var scope = fixture.CreateScope(b.Id))
            (await scope.Db.Stores.CountAsync(s => s.Name.StartsWith("sneaky") || s.Name.StartsWith("renamed"))).Should().Be(0);
    }

    [Fact]
    public async Task A_query_under_tenant_A_never_returns_tenant_B_rows()
    {
        var a = await TenantKit.CreateAsync(fixture.Factory, "query-a");
        var b = await TenantKit.CreateAsync(fixture.Factory, "query-b");
        await using var scope = fixture.CreateScope(a.Id);
        (await scope.Db.Stores.Select(s => s.TenantId).Distinct().ToListAsync()).Should().Equal(a.Id);
        (await scope.Db.Memberships.Select(m => m.TenantId).Distinct().ToListAsync()).Should().Equal(a.Id);
        (await scope.Db.Stores.SingleOrDefaultAsync(s => s.Id == b.StoreId)).Should().BeNull("B's store is invisible to A even by id");
        await using var none = fixture.CreateScope();
        (await none.Db.Stores.CountAsync()).Should().Be(0, "with no tenant set, no tenant row is visible");
    }

    [Theory]
    [InlineData("app"), InlineData("counter"), InlineData("admin"), InlineData("api"), InlineData("health"), InlineData("signup")]
    public void Reserved_slugs_cannot_be_tenant_slugs(string slug) =>
        Slugs.Validate(slug).Should().NotBeNull();

    [Theory]
    [InlineData("velluto", true), InlineData("loja-da-praia", true), InlineData("Ab", false), InlineData("-x-", false), InlineData("a b", false)]
    public void Slugs_have_a_url_friendly_shape(string slug, bool ok) =>
        (Slugs.Validate(slug) is null).Should().Be(ok);
}
