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
        [400] = "Bad request", [401] = "Unauthorized", [403] = "Forbidden", [404] = "Not found", [409] = "Conflict",
        [413] = "Payload too large", [422] = "Unprocessable request", [429] = "Too many requests", [500] = "Internal server error",
    };

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
        return http.Response.WriteAsync(JsonSerializer.Serialize(body, ApiJson.Options), http.RequestAborted);
    }

    /// <summary>
    /// An operation's refusal: Status 404 → 404, 409 → 409, anything else → 422; error fields renamed to the API's
    /// names; "existingXId" errors become top-level members (e.g. the existing customer's id on a 409).
    /// </summary>
    public static ApiProblem From(OperationFailed e, IReadOnlyDictionary<string, string>? fieldNames = null)
    {
        var status = e.Status is 404 or 409 ? e.Status : 422;
        var errors = new Dictionary<string, string[]>();
        var extensions = new Dictionary<string, object?>();
        foreach (var (field, messages) in e.Errors)
        {
            if (field.StartsWith("existing", StringComparison.Ordinal) && field.EndsWith("Id", StringComparison.Ordinal))
            {
                var name = char.ToLowerInvariant(field["existing".Length]) + field["existing".Length..][1..];
                extensions[name] = messages.FirstOrDefault();
                continue;
            }
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
            log.LogError(e, "API request failed");
            await ApiProblems.WriteAsync(http, 500, "internal_error", "Something went wrong on our side. It is safe to retry with the same Idempotency-Key.");
        }
        return Results.Empty;
    }

    /// <summary>HttpContext.Items key where an endpoint puts its operation-field → API-field renames.</summary>
    public const string FieldNamesKey = "smartbis:api:fieldNames";
}
