using Smartbis.BrowserTests.Infrastructure;
using Smartbis.Tests.Infrastructure;

namespace Smartbis.BrowserTests.Portal;

/// <summary>The app with the demo tenants (no generated customers) and email going over SMTP to a real local server.</summary>
public sealed class PortalServerFixture : AppServerFixture
{
    public SmtpServer Smtp { get; } = new();

    public override async Task InitializeAsync()
    {
        await Smtp.InitializeAsync();
        await base.InitializeAsync();
    }

    protected override void ConfigureSettings(IDictionary<string, string?> settings)
    {
        foreach (var (key, value) in Smtp.AppSettings) settings[key] = value;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}
