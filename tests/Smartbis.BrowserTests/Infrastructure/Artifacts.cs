using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Smartbis.BrowserTests.Infrastructure;

/// <summary>
/// Screenshots and page HTML for humans: in test-artifacts/ at the repository root (or SMARTBIS_TEST_ARTIFACTS,
/// or the test output folder when no repository is found).
/// </summary>
public static class Artifacts
{
    public static string Folder { get; } = Resolve();

    /// <summary>
    /// Runs <paramref name="body"/>; if it throws, saves a full-page screenshot and the HTML of <paramref name="page"/>
    /// as <c>{name}-failed.png/.html</c>, prints their paths and rethrows the original exception.
    /// </summary>
    public static async Task CaptureOnFailureAsync(IPage page, string name, Func<Task> body, ITestOutputHelper? output = null)
    {
        try
        {
            await body();
        }
        catch (Exception failure)
        {
            try
            {
                await SavePageAsync(page, $"{name}-failed", output);
                Report(output, $"Failed at {page.Url}: {failure.GetType().Name}");
            }
            catch (Exception captureError)
            {
                Report(output, $"Could not save the failure artifacts of {name}: {captureError.Message}");
            }
            throw;
        }
    }

    /// <summary>Saves a full-page screenshot as <c>{name}.png</c>; returns and prints its path.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name, ITestOutputHelper? output = null)
    {
        var png = Path.Combine(Folder, Safe(name) + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = png, FullPage = true });
        Report(output, $"Screenshot: {png}");
        return png;
    }

    /// <summary>Saves <c>{name}.png</c> and <c>{name}.html</c> of the page as it is now.</summary>
    public static async Task<(string Png, string Html)> SavePageAsync(IPage page, string name, ITestOutputHelper? output = null)
    {
        var png = await ScreenshotAsync(page, name, output);
        var html = Path.Combine(Folder, Safe(name) + ".html");
        await File.WriteAllTextAsync(html, await page.ContentAsync());
        Report(output, $"HTML: {html}");
        return (png, html);
    }

    private static void Report(ITestOutputHelper? output, string line)
    {
        Console.WriteLine(line);
        try { output?.WriteLine(line); }
        catch (InvalidOperationException) { /* no test is running (e.g. from a fixture) */ }
    }

    private static string Safe(string name) =>
        string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));

    private static string Resolve()
    {
        var folder = Environment.GetEnvironmentVariable("SMARTBIS_TEST_ARTIFACTS");
        if (string.IsNullOrEmpty(folder))
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Smartbis.sln"))) dir = dir.Parent;
            folder = Path.Combine(dir?.FullName ?? AppContext.BaseDirectory, "test-artifacts");
        }
        Directory.CreateDirectory(folder);
        return Path.GetFullPath(folder);
    }
}
