using Smartbis.BrowserTests.Infrastructure;
using Smartbis.Tests.Infrastructure;

namespace Smartbis.BrowserTests.Counter;

/// <summary>
/// The app with a small demo history (30 customers, 30 days: startup stays quick) and email going over SMTP to a real
/// local server, so a journey can read the customer's one-time code as the customer would.
/// </summary>
public sealed class CounterServerFixture : AppServerFixture
{
    public SmtpServer Smtp { get; } = new();

    public override async Task InitializeAsync()
    {
        await Smtp.InitializeAsync();
        await base.InitializeAsync();
    }

    protected override void ConfigureSettings(IDictionary<string, string?> settings)
    {
        settings["Smartbis:Seed:Customers"] = "30";
        settings["Smartbis:Seed:Days"] = "30";
        foreach (var (key, value) in Smtp.AppSettings) settings[key] = value;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}
