using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Tests.Infrastructure;

/// <summary>
/// The real app (Program) in memory, on its own database. Development environment, no Hangfire server
/// (Workers 0), no migration at start (the database comes from the migrated template), no demo seed, and a
/// mailbox folder of its own. <paramref name="settings"/> override any of these or add configuration keys
/// (e.g. <c>Smartbis:Hangfire:Workers = 1</c> for a test that needs jobs to run).
/// </summary>
public class SmartbisFactory(string connectionString, IReadOnlyDictionary<string, string?>? settings = null)
    : WebApplicationFactory<Program>
{
    /// <summary>The database as its owner (a superuser): migrations, and tests that seed or inspect past the walls.</summary>
    public string ConnectionString { get; } = connectionString;

    /// <summary>The same database as the app role, which is what the app under test connects as (row-level security applies).</summary>
    public string AppConnectionString { get; } = PostgresServer.AsAppRole(connectionString);

    /// <summary>Where the app's development mailbox writes .eml files (used when no SMTP host is configured).</summary>
    public string MailboxPath { get; } =
        Path.Combine(Path.GetTempPath(), "smartbis-mailbox-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>The effective settings given to the app (defaults, then overrides).</summary>
    public IReadOnlyDictionary<string, string?> Settings => settingsCache ??= BuildSettings();
    private Dictionary<string, string?>? settingsCache;

    private Dictionary<string, string?> BuildSettings()
    {
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["ConnectionStrings:Smartbis"] = AppConnectionString,
            ["ConnectionStrings:SmartbisMigrations"] = ConnectionString,
            ["Smartbis:Hangfire:Workers"] = "0",
            ["Smartbis:MigrateOnStart"] = "false",
            ["Smartbis:Seed:Demo"] = "false",
            ["Smartbis:MailboxPath"] = MailboxPath,
            // Staff security stamps are read on every request (production caches them 30 s per node), so a test sees
            // a revoked session refused at once, on either of two nodes.
            ["Smartbis:Auth:StaffSessionCheckSeconds"] = "0",
            // Request logs of hundreds of tests are noise; warnings and errors still show.
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        return all;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        // UseSetting reaches the app as host configuration (command-line style), so Program sees it
        // even where it reads configuration before builder.Build().
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        builder.ConfigureServices(services =>
            // Every app host has its own logger factory, so EF builds an internal provider per host;
            // a test run creates dozens of hosts on purpose.
            services.ConfigureDbContext<SmartbisDb>(o =>
                o.ConfigureWarnings(w => w.Ignore(CoreEventId.ManyServiceProvidersCreatedWarning))));
    }

    /// <summary>
    /// A DI scope of the app, with the tenant set when <paramref name="tenantId"/> is given:
    /// <c>await using var s = factory.CreateScope(tenantId); s.Db.Customers…</c>
    /// </summary>
    public TestScope CreateScope(Guid? tenantId = null)
    {
        var scope = Services.CreateAsyncScope();
        if (tenantId is { } id) scope.ServiceProvider.GetRequiredService<TenantContext>().Set(id);
        return new TestScope(scope);
    }

    /// <summary>
    /// An HTTP client that keeps cookies (the staff cookie is Secure, hence https://localhost),
    /// does not follow redirects, and posts forms with their antiforgery token.
    /// </summary>
    public FormClient CreateFormClient() =>
        new(CreateClient(new WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("https://localhost"),
            AllowAutoRedirect = false,
        }));

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        try { if (Directory.Exists(MailboxPath)) Directory.Delete(MailboxPath, recursive: true); }
        catch (IOException) { /* a temp folder; not worth failing a test over */ }
    }
}

/// <summary>A DI scope of the app under test. Dispose it (await using).</summary>
public sealed class TestScope(AsyncServiceScope scope) : IAsyncDisposable, IDisposable
{
    public IServiceProvider Services => scope.ServiceProvider;
    public SmartbisDb Db => Services.GetRequiredService<SmartbisDb>();
    public TenantContext Tenant => Services.GetRequiredService<TenantContext>();
    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();
    public ValueTask DisposeAsync() => scope.DisposeAsync();
    public void Dispose() => ((IDisposable)scope).Dispose();
}

/// <summary>
/// Class fixture: each test class gets its own database (cloned from the migrated template) and its own
/// app factory on it. Subclass and override <see cref="ConfigureSettings"/> for extra app settings.
/// <code>public sealed class MyTests(DatabaseFixture db) : IClassFixture&lt;DatabaseFixture&gt;</code>
/// </summary>
public class DatabaseFixture : IAsyncLifetime
{
    public PostgresServer Server { get; private set; } = null!;
    /// <summary>This class's database as its owner (a superuser: sees every row, bypasses row-level security).</summary>
    public string ConnectionString { get; private set; } = "";
    /// <summary>This class's database as the app role (what the app under test uses).</summary>
    public string AppConnectionString => PostgresServer.AsAppRole(ConnectionString);
    public SmartbisFactory Factory { get; private set; } = null!;

    /// <summary>Add or override app settings (configuration keys) before the factory is created.</summary>
    protected virtual void ConfigureSettings(IDictionary<string, string?> settings) { }

    /// <summary>The PostgreSQL server this class's database lives on: the one shared by the test run, unless overridden.</summary>
    protected virtual Task<PostgresServer> GetServerAsync() => PostgresServer.GetAsync();

    public virtual async Task InitializeAsync()
    {
        Server = await GetServerAsync();
        ConnectionString = await Server.CreateDatabaseAsync(GetType().Name);
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        ConfigureSettings(settings);
        Factory = new SmartbisFactory(ConnectionString, settings);
    }

    public virtual async Task DisposeAsync()
    {
        if (Factory is not null) await Factory.DisposeAsync();
        if (Server is not null && ConnectionString.Length > 0) await Server.DropDatabaseAsync(ConnectionString);
    }

    public TestScope CreateScope(Guid? tenantId = null) => Factory.CreateScope(tenantId);
    public FormClient CreateFormClient() => Factory.CreateFormClient();

    /// <summary>A DbContext straight on this fixture's database as its owner, outside the app (dispose it).</summary>
    public SmartbisDb OpenDb(Guid? tenantId = null) => TestDb.Open(ConnectionString, tenantId);

    /// <summary>A DbContext straight on this fixture's database as the app role, outside the app (dispose it).</summary>
    public SmartbisDb OpenAppDb(Guid? tenantId = null) => TestDb.Open(AppConnectionString, tenantId);
}
