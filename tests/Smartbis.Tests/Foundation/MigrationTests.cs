using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;

namespace Smartbis.Tests.Foundation;

public sealed class MigrationTests
{
    [Fact]
    public async Task Migrations_apply_to_an_empty_database()
    {
        var server = await PostgresServer.GetAsync();
        var cs = await server.CreateEmptyDatabaseAsync("migrations");
        try
        {
            // Drift is the other test's finding; here only "do the migrations run on nothing" matters.
            await using var db = TestDb.Open(cs, throwOnPendingModelChanges: false);

            await db.Database.MigrateAsync();

            (await db.Database.GetAppliedMigrationsAsync()).Should().Equal(db.Database.GetMigrations());
            (await db.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
            (await db.Tenants.IgnoreQueryFilters().CountAsync()).Should().Be(0);
        }
        finally
        {
            await server.DropDatabaseAsync(cs);
        }
    }

    [Fact]
    public async Task The_model_has_no_changes_missing_from_the_migrations()
    {
        var server = await PostgresServer.GetAsync();
        await using var db = TestDb.Open(server.ConnectionStringFor("unused"));

        db.Database.HasPendingModelChanges().Should().BeFalse(
            "every model change needs a migration: dotnet run --project tools/Smartbis.Migrations -- add <Name>");
    }
}
