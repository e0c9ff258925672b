// Usage: dotnet run --project tools/Smartbis.Migrations -- add <Name>
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Migrations.Design;
using Microsoft.Extensions.DependencyInjection;
using Npgsql.EntityFrameworkCore.PostgreSQL.Design.Internal;
using Smartbis.Web.Data;

var db = new DesignTimeDbFactory().CreateDbContext(args);
var services = new ServiceCollection()
    .AddEntityFrameworkDesignTimeServices()
    .AddDbContextDesignTimeServices(db);
new NpgsqlDesignTimeServices().ConfigureDesignTimeServices(services);
using var sp = services.BuildServiceProvider();

switch (args)
{
    case ["add", var name]:
        var project = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../src/Smartbis.Web"));
        var scaffolder = sp.GetRequiredService<IMigrationsScaffolder>();
        var migration = scaffolder.ScaffoldMigration(name, "Smartbis.Web", "Data.Migrations", "C#");
        var files = scaffolder.Save(project, migration, Path.Combine(project, "Data", "Migrations"));
        Console.WriteLine($"Wrote {files.MigrationFile}");
        return 0;
    default:
        Console.Error.WriteLine("usage: add <Name>");
        return 2;
}
