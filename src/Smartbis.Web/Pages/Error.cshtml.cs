using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages;

/// <summary>The one page for error statuses; API paths get problem+json instead.</summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel(IStringLocalizer<SharedResource> T, IProblemDetailsService problems) : PageModel
{
    public int Code { get; private set; }
    public string Title { get; private set; } = "";
    public string Detail { get; private set; } = "";
    public string RequestId => HttpContext.TraceIdentifier;

    public Task<IActionResult> OnGetAsync(int code) => Render(code);
    public Task<IActionResult> OnPostAsync(int code) => Render(code);

    private async Task<IActionResult> Render(int code)
    {
        Code = code is >= 400 and < 600 ? code : 500;
        // No database connection in time: the exception handler chose 503; say so, and when to come back.
        if (HttpContext.Features.Get<IExceptionHandlerFeature>()?.Error is { } error && DatabaseUnavailable.Is(error)) Code = 503;
        if (Code == 503) DatabaseUnavailable.SetRetryAfter(Response);
        var original = HttpContext.Features.Get<IStatusCodeReExecuteFeature>()?.OriginalPath
                       ?? HttpContext.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? "";
        if (original.StartsWith("/api/", StringComparison.OrdinalIgnoreCase))
        {
            Response.StatusCode = Code;
            await problems.WriteAsync(new ProblemDetailsContext { HttpContext = HttpContext });
            return new EmptyResult();
        }
        (Title, Detail) = Code switch
        {
            403 => (T["You do not have access to this page"].Value, T["Your role does not allow this. Ask the business owner if you need it."].Value),
            404 => (T["Page not found"].Value, T["The address may be wrong, or what it pointed to no longer exists."].Value),
            429 => (T["Too many attempts"].Value, T["Please wait a moment and try again."].Value),
            503 => (T["The service is busy right now"].Value, T["Please try again in a few seconds."].Value),
            >= 500 => (T["Something went wrong on our side"].Value, T["We have been notified. Please try again in a moment."].Value),
            _ => (T["The request could not be completed"].Value, ""),
        };
        Response.StatusCode = Code;
        return Page();
    }
}
