using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Smartbis.BrowserTests.Infrastructure;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Data.Seed;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Campaigns;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Segments;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Smartbis.BrowserTests.Campaigns;

/// <summary>The demo tenants and staff (no generated history), email over SMTP to a real local server.</summary>
public sealed class CampaignsServerFixture : AppServerFixture
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

/// <summary>
/// Velluto's owner writes a campaign to the "New" segment with a bonus, sees the preview (count and sample), edits the
/// draft, sends themself a test, sends it now; the campaign job and the delivery run (the Hangfire worker's part, here in
/// process); the message reaches each recipient's mailbox and the campaign's page shows it sent with its result section.
/// Screenshots in test-artifacts/campaign-*.png.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CampaignJourneyTests(BrowserFixture browser, CampaignsServerFixture app, ITestOutputHelper output)
    : IClassFixture<CampaignsServerFixture>
{
    private static DemoSeed.DemoTenant Velluto => DemoSeed.Tenants.Single(t => t.Slug == "velluto");

    [Fact]
    public async Task The_owner_previews_tests_and_sends_a_campaign_with_a_bonus_and_sees_its_result()
    {
        Guid tenantId;
        await using (var scope = app.Factory.CreateScope())
            tenantId = await scope.Db.Tenants.Where(x => x.Slug == Velluto.Slug).Select(x => x.Id).SingleAsync();
        var emails = Enumerable.Range(1, 12).Select(i => $"campanha{i:D2}@example.com").ToList();
        await using (var scope = app.Factory.CreateScope(tenantId))
        {
            foreach (var (email, i) in emails.Select((e, i) => (e, i)))
                await scope.Get<EnrollCustomer>().ExecuteAsync(new EnrollCustomer.Request($"Cliente Campanha {i + 1:D2}", LedgerTestKit.NewPhone(), email,
                    EmailConsent: true, ConsentWording: "Quero receber ofertas.", Source: "counter"));
            // No quiet hours: the journey sends whatever the time of day.
            await Messaging.SettingsAsync(scope.Db);
            await scope.Db.Set<MessagingSettings>().ExecuteUpdateAsync(s => s.SetProperty(x => x.QuietFrom, new TimeOnly(0, 0)).SetProperty(x => x.QuietUntil, new TimeOnly(0, 0)));
        }
        await app.Factory.Services.GetRequiredService<AssignSegments>().ExecuteAsync(tenantId);

        await using var context = await browser.NewContextAsync(app.BaseUrl);
        var page = await context.NewPageAsync();
        await Artifacts.CaptureOnFailureAsync(page, "campaign-journey", async () =>
        {
            await page.GotoAsync("/account/signin");
            var form = page.Locator("form", new PageLocatorOptions { Has = page.Locator("input[name='Input.Email']") });
            await form.Locator("input[name='Input.Email']").FillAsync(Velluto.Owner.Email);
            await form.Locator("input[name='Input.Password']").FillAsync(Velluto.Owner.Password);
            await form.Locator("button[type=submit]").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/app/?$"));

            await page.GotoAsync("/app/campaigns");
            await page.GetByTestId("new-campaign").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/app/campaigns/new$"));
            await page.Locator("input[name='Input.Name']").FillAsync("Boas-vindas em dobro");
            await page.GetByTestId("audience").SelectOptionAsync($"segment:{SegmentKind.New}");
            await page.Locator("input[name='Input.Bonus']").FillAsync("5,00");
            await page.Locator("input[name='Input.HoldoutPercent']").FillAsync("25");
            await Artifacts.ScreenshotAsync(page, "campaign-new", output);
            await page.GetByTestId("save-campaign").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/app/campaigns/[0-9a-f-]{36}$"));
            var id = Guid.Parse(page.Url[^36..]);

            // The preview: the audience less the holdout (a deterministic draw), and a sample of names.
            CampaignAudience.Preview preview;
            await using (var scope = app.Factory.CreateScope(tenantId))
                preview = await CampaignAudience.PreviewAsync(scope.Db, await scope.Db.Set<Campaign>().SingleAsync(c => c.Id == id));
            preview.Audience.Should().Be(12);
            preview.Recipients.Should().BeGreaterThan(0);
            await Expect(page.GetByTestId("preview-recipients")).ToHaveTextAsync(preview.Recipients.ToString());
            await Expect(page.GetByTestId("preview-sample").Locator("li")).ToHaveCountAsync(Math.Min(10, preview.Recipients));
            await Expect(page.GetByTestId("preview-sample")).ToContainTextAsync("Cliente Campanha");
            await Artifacts.ScreenshotAsync(page, "campaign-preview", output);

            // The draft is edited (the name), then a test goes to the owner's own address.
            await page.GetByTestId("edit").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex($"/app/campaigns/{id}/edit$"));
            await Expect(page.Locator("input[name='Input.Bonus']")).ToHaveValueAsync("5,00");
            await page.Locator("input[name='Input.Name']").FillAsync("Boas-vindas com bônus");
            await page.GetByTestId("save-campaign").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex($"/app/campaigns/{id}$"));
            await Expect(page.Locator("h1")).ToContainTextAsync("Boas-vindas com bônus");
            await page.GetByTestId("test-send").ClickAsync();
            await Expect(page.GetByTestId("notice")).ToBeVisibleAsync();
            (await MailToAsync(Velluto.Owner.Email)).Subject.Should().StartWith("[TEST]");

            await page.GetByTestId("launch").ClickAsync();
            await Expect(page.GetByTestId("campaign-status")).ToHaveTextAsync("Agendada");
            await Artifacts.ScreenshotAsync(page, "campaign-scheduled", output);

            // The job Launch scheduled, and the delivery it enqueues (no Hangfire worker in this app).
            await using (var scope = app.Factory.CreateScope(tenantId))
                (await scope.Get<RunCampaign>().ExecuteAsync(tenantId, id)).Ran.Should().BeTrue();
            await using (var scope = app.Factory.CreateScope(tenantId))
                await scope.Get<AutomationJobs>().DeliverAsync(tenantId);
            var recipients = await WithDbAsync(tenantId, db => db.Set<CampaignRecipient>().Where(r => r.CampaignId == id && !r.Holdout)
                .Join(db.Customers, r => r.CustomerId, c => c.Id, (r, c) => c.Email!).ToListAsync());
            recipients.Should().HaveCount(preview.Recipients);
            (await WithDbAsync(tenantId, db => db.LedgerEntries.CountAsync(e => e.Kind == Smartbis.Web.Features.Ledger.EntryKind.CampaignBonus && e.AvailableDeltaCents + e.PendingDeltaCents == 5_00)))
                .Should().Be(preview.Recipients, "the bonus is credited once to each recipient");
            foreach (var email in recipients)
                (await MailToAsync(email)).Subject.Should().NotStartWith("[TEST]");
            foreach (var email in emails.Except(recipients))
                app.Smtp.Messages.Should().NotContain(m => m.To.Mailboxes.Any(x => x.Address == email), "the holdout gets nothing");

            await page.ReloadAsync();
            await Expect(page.GetByTestId("campaign-status")).ToHaveTextAsync("Enviada");
            await Expect(page.GetByTestId("result")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("n-recipients")).ToHaveTextAsync(preview.Recipients.ToString());
            await Expect(page.GetByTestId("n-holdout")).ToHaveTextAsync(preview.Holdout.ToString());
            await Expect(page.GetByTestId("edit")).ToHaveCountAsync(0);
            await Artifacts.ScreenshotAsync(page, "campaign-sent", output);
        }, output);
    }

    private async Task<T> WithDbAsync<T>(Guid tenantId, Func<Smartbis.Web.Data.SmartbisDb, Task<T>> read)
    {
        await using var scope = app.Factory.CreateScope(tenantId);
        return await read(scope.Db);
    }

    private async Task<MimeKit.MimeMessage> MailToAsync(string email)
    {
        for (var i = 0; i < 100; i++)
        {
            var message = app.Smtp.Messages.LastOrDefault(m => m.To.Mailboxes.Any(x => x.Address == email));
            if (message is not null) return message;
            await Task.Delay(100);
        }
        throw new TimeoutException($"No email reached {email}. SMTP log:\n{app.Smtp.Log}");
    }
}
