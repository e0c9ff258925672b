using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Smartbis.Tests.Infrastructure;

namespace Smartbis.BrowserTests.Infrastructure;

/// <summary>
/// Class fixture: the real app on Kestrel (HTTPS, self-signed, a free loopback port) with its own fresh
/// database and the demo seed (<c>Smartbis:Seed:Demo = true</c>, so DemoSeed's tenants and users exist;
/// without the generated customer history, see <c>Smartbis:Seed:Customers</c>).
/// Subclass and override <see cref="ConfigureSettings"/> to change app settings.
/// </summary>
public class AppServerFixture : IAsyncLifetime
{
    public PostgresServer Server { get; private set; } = null!;
    public string ConnectionString { get; private set; } = "";
    public SmartbisFactory Factory { get; private set; } = null!;

    /// <summary>Where the app listens, e.g. https://127.0.0.1:41234/ (give it to the browser context as BaseURL).</summary>
    public Uri BaseUrl { get; private set; } = null!;

    protected virtual void ConfigureSettings(IDictionary<string, string?> settings) { }

    public virtual async Task InitializeAsync()
    {
        Server = await PostgresServer.GetAsync();
        ConnectionString = await Server.CreateDatabaseAsync(GetType().Name);
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Smartbis:Seed:Demo"] = "true",
            // Tenants, stores and staff only: months of generated purchase history take far longer than a journey.
            // A test that needs the history sets Smartbis:Seed:Customers (and :Days) back in ConfigureSettings.
            ["Smartbis:Seed:Customers"] = "0",
        };
        ConfigureSettings(settings);
        Factory = new SmartbisFactory(ConnectionString, settings);
        var certificate = TestCertificate.Localhost;
        // Port 0: Kestrel picks a free port itself, so there is no race with other processes.
        Factory.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        await Task.Run(Factory.StartServer); // builds the host, runs the demo seed, starts Kestrel
        var address = Factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
            .Addresses.Single(a => a.StartsWith("https://", StringComparison.Ordinal));
        BaseUrl = new Uri(address.TrimEnd('/') + "/");
    }

    public virtual async Task DisposeAsync()
    {
        if (Factory is not null) await Factory.DisposeAsync();
        if (Server is not null && ConnectionString.Length > 0) await Server.DropDatabaseAsync(ConnectionString);
    }
}
