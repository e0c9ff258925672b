using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Smartbis.Web.Infrastructure;

/// <summary>
/// A refusal that a page handler does not turn into a field error itself still gets its own status page, not a 500:
/// an operation's "not found" (404, e.g. another tenant's id), "forbidden" (403) or "too many" (429) is an answer,
/// not a failure of the server. Other refusals (422, 409) are shown as a 400 page.
/// </summary>
public sealed class OperationFailedPageFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var executed = await next();
        if (executed.Exception is OperationFailed failed && !executed.ExceptionHandled)
        {
            executed.Result = new StatusCodeResult(failed.Status is 403 or 404 or 429 ? failed.Status : StatusCodes.Status400BadRequest);
            executed.ExceptionHandled = true;
        }
    }
}
