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
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower), new NoNulString() },
    };

    /// <summary>
    /// PostgreSQL text cannot hold U+0000: a string with it would fail deep in the database (a 500). Refused here
    /// instead, as a value of the wrong format for its field (400).
    /// </summary>
    private sealed class NoNulString : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var s = reader.GetString();
            if (s is not null && s.Contains('\0')) throw new JsonException(); // no message: the serializer adds the field's path
            return s;
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

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
            throw DocumentProblem("The request needs a JSON body.");
        try
        {
            return JsonSerializer.Deserialize<T>(buffer.ToArray(), Options)
                   ?? throw DocumentProblem("The request body must be a JSON object.");
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

    /// <summary>A problem with the document as a whole: its error is under "" like every other document-level error.</summary>
    private static ApiProblem DocumentProblem(string detail) =>
        new(400, "malformed_json", detail, new Dictionary<string, string[]> { [""] = [detail] });

    private static ApiProblem TooLarge() =>
        new(413, "payload_too_large", $"The request body is larger than {MaxBodyBytes / 1024} KB.");
}
