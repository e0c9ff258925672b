using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Smartbis.BrowserTests.Infrastructure;
using Smartbis.Web.Data.Seed;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Smartbis.BrowserTests.Results;

/// <summary>The demo tenants and staff only (no history): the results page before and after the owner turns the control group on.</summary>
public sealed class ResultsServerFixture : AppServerFixture;

/// <summary>
/// Velluto's owner opens the results from the navigation (no control group yet: "not enough data yet"), turns the control
/// group on in its settings (a share out of bounds is refused beside the field), sees it on the results page and in the
/// printable report. Screenshots in test-artifacts/results-*.png.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ResultsJourneyTests(BrowserFixture browser, ResultsServerFixture app, ITestOutputHelper output)
    : IClassFixture<ResultsServerFixture>
{
    private static DemoSeed.DemoTenant Velluto => DemoSeed.Tenants.Single(t => t.Slug == "velluto");

    [Fact]
    public async Task The_owner_reads_the_results_and_turns_the_control_group_on()
    {
        await using var context = await browser.NewContextAsync(app.BaseUrl);
        var page = await context.NewPageAsync();
        await Artifacts.CaptureOnFailureAsync(page, "results-journey", async () =>
        {
            await page.GotoAsync("/account/signin");
            var form = page.Locator("form", new PageLocatorOptions { Has = page.Locator("input[name='Input.Email']") });
            await form.Locator("input[name='Input.Email']").FillAsync(Velluto.Owner.Email);
            await form.Locator("input[name='Input.Password']").FillAsync(Velluto.Owner.Password);
            await form.Locator("button[type=submit]").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/app/?$"));

            await page.GetByTestId("nav-results").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/app/results$"));
            await Expect(page.Locator("h1")).ToHaveTextAsync("Resultados");
            await Expect(page.GetByTestId("control-status")).ToContainTextAsync("O grupo de controle está desativado");
            await Expect(page.Locator("[data-figure='revenue-difference']")).ToHaveTextAsync("dados insuficientes por enquanto");
            await Expect(page.Locator("[data-figure='incremental']")).ToHaveTextAsync("dados insuficientes por enquanto");
            await Artifacts.ScreenshotAsync(page, "results-empty", output);

            await page.GetByTestId("results-settings").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/app/results/settings$"));
            await page.GetByTestId("control-enabled").CheckAsync();
            await page.GetByTestId("control-share").FillAsync("50");
            await page.GetByTestId("save-results-settings").ClickAsync();
            await Expect(page.GetByTestId("share-error")).ToHaveTextAsync("O grupo de controle fica entre 1% e 20% dos novos membros.");
            await page.GetByTestId("control-share").FillAsync("10");
            await page.GetByTestId("save-results-settings").ClickAsync();
            await Expect(page.GetByTestId("saved")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("history")).ToContainTextAsync("Ativo, 10%");
            await Artifacts.ScreenshotAsync(page, "results-settings", output);

            await page.GotoAsync("/app/results");
            await Expect(page.GetByTestId("control-status")).ToContainTextAsync("Grupo de controle ativo: 10% dos novos membros");
            await Expect(page.GetByTestId("comparison")).ToContainTextAsync("Voltaram em até 30 dias");
            await page.GetByTestId("results-print").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/app/results/print"));
            await Expect(page.GetByTestId("print-title")).ToHaveTextAsync($"{Velluto.Name}: resultados do programa");
            await Artifacts.ScreenshotAsync(page, "results-print", output);
        }, output);
    }
}
