using Microsoft.Playwright;

namespace Smartbis.BrowserTests.Infrastructure;

public static class PageLoads
{
    /// <summary>
    /// Waits until the document now in the page has loaded, asked of the document itself (<c>document.readyState</c>).
    /// After a redirect that Playwright saw commit (the URL matched), <c>WaitForLoadStateAsync(Load)</c> once timed out
    /// (30 s) on a fresh-clone run although its log said the network was idle; the document's own state is what the
    /// next keystroke needs (the autofocused box exists).
    /// </summary>
    public static Task WaitForDocumentLoadedAsync(this IPage page) =>
        page.WaitForFunctionAsync("() => document.readyState === 'complete'");
}
