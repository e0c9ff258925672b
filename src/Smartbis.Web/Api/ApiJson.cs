using System.Text.Json;
using System.Text.Json.Serialization;

namespace Smartbis.Web.Api;

/// <summary>
/// The API's JSON: camelCase, numbers only as numbers (a string where a number belongs is a 400), enums as
/// camelCase strings, bodies up to 1 MB (413 beyond), malformed JSON → 400 with the field that failed.
/// </summary>
public static class ApiJson
{
    public const int MaxBodyBytes = 1024 * 1024;

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.Strict,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static async Task<T> ReadAsync<T>(HttpContext http) where T : class
    {
        if (http.Request.ContentLength > MaxBodyBytes) throw TooLarge();
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        try
        {
            while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes) throw TooLarge();
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == 413)
        {
            throw TooLarge();
        }
        if (buffer.Length == 0)
            throw new ApiProblem(400, "malformed_json", "The request needs a JSON body.");
        try
        {
            return JsonSerializer.Deserialize<T>(buffer.ToArray(), Options)
                   ?? throw new ApiProblem(400, "malformed_json", "The request body must be a JSON object.");
        }
        catch (JsonException e)
        {
            // A syntax error comes from the reader (inner JsonException); a value of the wrong type names its field.
            var field = e.InnerException is JsonException ? null : FieldOf(e.Path);
            var detail = field is null ? "The request body is not valid JSON." : $"The value of {field} has the wrong type or format.";
            throw new ApiProblem(400, "malformed_json", detail,
                field is null ? new Dictionary<string, string[]> { [""] = [detail] } : new Dictionary<string, string[]> { [field] = [detail] });
        }
    }

    /// <summary>"$.items[0].amountCents" → "items[0].amountCents"; null for the document itself.</summary>
    private static string? FieldOf(string? path) =>
        path is null or "$" || !path.StartsWith("$.", StringComparison.Ordinal) ? null : path[2..];

    private static ApiProblem TooLarge() =>
        new(413, "payload_too_large", $"The request body is larger than {MaxBodyBytes / 1024} KB.");
}
