using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Api;

/// <summary>A request the API refuses before (or instead of) calling an operation: becomes a problem+json response.</summary>
public sealed class ApiProblem(int status, string code, string detail, IReadOnlyDictionary<string, string[]>? errors = null,
    IReadOnlyDictionary<string, object?>? extensions = null) : Exception(detail)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public IReadOnlyDictionary<string, string[]>? Errors { get; } = errors;
    public IReadOnlyDictionary<string, object?>? Extensions { get; } = extensions;
}

/// <summary>
/// RFC 9457 problem details for every API error: type (urn:smartbis:problem:&lt;code&gt;), title, status, detail, code,
/// requestId and, for validation, errors { field: [messages] } with field names as in the API's JSON.
/// </summary>
public static class ApiProblems
{
    public const string ContentType = "application/problem+json";

    private static readonly Dictionary<int, string> Titles = new()
    {
        [400] = "Bad request", [401] = "Unauthorized", [403] = "Forbidden", [404] = "Not found", [405] = "Method not allowed",
        [406] = "Not acceptable", [408] = "Request timeout", [409] = "Conflict", [411] = "Length required", [413] = "Payload too large",
        [414] = "URI too long", [415] = "Unsupported media type", [422] = "Unprocessable request", [429] = "Too many requests",
        [431] = "Request header fields too large", [500] = "Internal server error", [503] = "Service unavailable",
    };

    /// <summary>The code and detail of an error status that no endpoint explained (unknown route, wrong method, …).</summary>
    public static (string Code, string Detail) ForStatus(int status, HttpContext http) => status switch
    {
        400 => ("bad_request", "The request is malformed."),
        401 => ("unauthorized", "Send an API key: Authorization: Bearer <key>. Keys are created in Integrations (/app/integrations)."),
        403 => ("forbidden", "This API key may not do this."),
        404 => ("not_found", $"There is no API endpoint at {http.Request.Method} {http.Request.Path}. See /api/docs."),
        405 => ("method_not_allowed", $"{http.Request.Method} is not allowed on {http.Request.Path}."),
        406 => ("not_acceptable", "The API answers application/json and application/problem+json only."),
        411 => ("length_required", "Send Content-Length (or a chunked body)."),
        413 => ("payload_too_large", $"The request body is larger than {ApiJson.MaxBodyBytes / 1024} KB."),
        414 => ("uri_too_long", "The request URI is too long."),
        415 => ("unsupported_media_type", "Send the body as application/json."),
        429 => ("rate_limited", "Too many requests. Retry later."),
        431 => ("headers_too_large", "The request headers are too large."),
        503 => ("service_unavailable", $"The service is busy. Retry in {DatabaseUnavailable.RetryAfterSeconds} s (with the same Idempotency-Key for a POST)."),
        >= 500 => ("internal_error", "Something went wrong on our side. It is safe to retry with the same Idempotency-Key."),
        _ => ("error", "The request could not be completed."),
    };

    /// <summary>
    /// An exception that reached the edge of the API: no database connection in time → 503 with Retry-After; a request
    /// the server refused to read (BadHttpRequestException) → its 4xx; anything else → 500. Always problem+json.
    /// </summary>
    public static Task WriteExceptionAsync(HttpContext http, Exception e, ILogger log)
    {
        if (DatabaseUnavailable.Is(e))
        {
            log.LogWarning(e, "API request refused with 503: no database connection");
            DatabaseUnavailable.SetRetryAfter(http.Response);
            var (code, detail) = ForStatus(503, http);
            return WriteAsync(http, 503, code, detail);
        }
        if (e is BadHttpRequestException bad)
        {
            var (code, detail) = ForStatus(bad.StatusCode, http);
            var text = bad.StatusCode == 400 && bad.Message.Length > 0 ? bad.Message : detail;
            return WriteAsync(http, bad.StatusCode, code, text, new Dictionary<string, string[]> { [""] = [text] });
        }
        log.LogError(e, "API request failed");
        var (c, d) = ForStatus(500, http);
        return WriteAsync(http, 500, c, d);
    }

    public static Task WriteAsync(HttpContext http, int status, string code, string detail,
        IReadOnlyDictionary<string, string[]>? errors = null, IReadOnlyDictionary<string, object?>? extensions = null)
    {
        // The API answers for itself: no HTML error page re-executed over an empty body.
        if (http.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
        var body = new Dictionary<string, object?>
        {
            ["type"] = $"urn:smartbis:problem:{code}",
            ["title"] = Titles.GetValueOrDefault(status, "Error"),
            ["status"] = status,
            ["detail"] = detail,
            ["code"] = code,
        };
        if (errors is { Count: > 0 }) body["errors"] = errors;
        foreach (var (k, v) in extensions ?? new Dictionary<string, object?>()) body[k] = v;
        body["requestId"] = http.TraceIdentifier;
        http.Response.StatusCode = status;
        http.Response.ContentType = ContentType;
        http.Response.ContentLength = null;
        return http.Response.WriteAsync(JsonSerializer.Serialize(body, ApiJson.Options), http.RequestAborted);
    }

    /// <summary>
    /// An operation's refusal: Status 403, 404 or 409 → the same (a plan's refusal is 403 with upgradeUrl), anything else → 422; its messages put into words once, in
    /// English (the API's language, <see cref="ErrorTexts"/>); error fields renamed to the API's names; refs
    /// ("existingXId") become top-level members (e.g. the existing customer's id on a 409).
    /// </summary>
    public static ApiProblem From(OperationFailed e, IReadOnlyDictionary<string, string>? fieldNames = null)
    {
        // A suspension or a plan's refusal (no API access, a limit reached) is 403; a plan's says where to upgrade.
        var status = e.Status is 403 or 404 or 409 ? e.Status : 422;
        var errors = new Dictionary<string, string[]>();
        var extensions = new Dictionary<string, object?>();
        foreach (var (field, id) in e.Refs)
        {
            var name = field.StartsWith("existing", StringComparison.Ordinal) && field.Length > "existing".Length
                ? char.ToLowerInvariant(field["existing".Length]) + field["existing".Length..][1..]
                : field;
            extensions[name] = id.ToString();
        }
        if (e.Code == "plan_limit") extensions["upgradeUrl"] = Features.Plans.PlanLimits.UpgradePath;
        foreach (var (field, texts) in e.Messages)
        {
            var messages = texts.Select(ErrorTexts.English).ToArray();
            var apiField = fieldNames?.GetValueOrDefault(field) ?? field;
            errors[apiField] = errors.TryGetValue(apiField, out var already) ? [.. already, .. messages] : messages;
        }
        var detail = string.Join(" ", errors.Values.SelectMany(m => m).Distinct());
        return new ApiProblem(status, e.Code, detail.Length > 0 ? detail : e.Message, errors, extensions);
    }
}

/// <summary>Turns refusals and failures of an endpoint into problem+json (the app's HTML error page is for browsers).</summary>
public sealed class ApiProblemFilter(ILogger<ApiProblemFilter> log) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext ctx, EndpointFilterDelegate next)
    {
        var http = ctx.HttpContext;
        try
        {
            return await next(ctx);
        }
        catch (ApiProblem p)
        {
            await ApiProblems.WriteAsync(http, p.Status, p.Code, p.Message, p.Errors, p.Extensions);
        }
        catch (OperationFailed e)
        {
            var p = ApiProblems.From(e, http.Items[FieldNamesKey] as IReadOnlyDictionary<string, string>);
            await ApiProblems.WriteAsync(http, p.Status, p.Code, p.Message, p.Errors, p.Extensions);
        }
        catch (Exception e) when (e is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
        {
            await ApiProblems.WriteExceptionAsync(http, e, log);
        }
        return Results.Empty;
    }

    /// <summary>HttpContext.Items key where an endpoint puts its operation-field → API-field renames.</summary>
    public const string FieldNamesKey = "smartbis:api:fieldNames";
}

/// <summary>
/// The edge of everything under /api: whatever happens before, around or after an endpoint (authentication reading the
/// key while the database is unreachable, an unknown route, a wrong method or media type, a body too large for the
/// server, an exception after the endpoint filter), the answer is problem+json of the contract above — never the HTML
/// error page, never an empty body. Sits inside the app's exception handler and status-code pages, so it answers first.
/// </summary>
public sealed class ApiErrorMiddleware(RequestDelegate next, ILogger<ApiErrorMiddleware> log)
{
    public static bool IsApi(HttpContext http) => http.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);

    public async Task InvokeAsync(HttpContext http)
    {
        if (!IsApi(http))
        {
            await next(http);
            return;
        }
        if (http.Features.Get<IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
        try
        {
            await next(http);
        }
        catch (Exception e) when (!http.Response.HasStarted && !(e is OperationCanceledException && http.RequestAborted.IsCancellationRequested))
        {
            http.Response.Clear();
            await ApiProblems.WriteExceptionAsync(http, e, log);
            return;
        }
        var r = http.Response;
        if (r.StatusCode >= 400 && !r.HasStarted && r.ContentLength is null or 0 && string.IsNullOrEmpty(r.ContentType))
        {
            var (code, detail) = ApiProblems.ForStatus(r.StatusCode, http);
            await ApiProblems.WriteAsync(http, r.StatusCode, code, detail);
        }
    }
}
