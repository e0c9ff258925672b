using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Smartbis.Web.Features.Notifications.WhatsApp;

/// <summary>Smartbis__WhatsApp__BaseUrl (default https://graph.facebook.com/v21.0/), __AppSecret (signs status webhooks), __VerifyToken.</summary>
public sealed class WhatsAppOptions
{
    public string BaseUrl { get; set; } = "https://graph.facebook.com/v21.0/";
    public string? AppSecret { get; set; }
    public string? VerifyToken { get; set; }
    public int TimeoutSeconds { get; set; } = 15;
}

public enum WhatsAppFailure { Transient, Permanent }

public sealed class WhatsAppException(WhatsAppFailure failure, string message, Exception? inner = null) : Exception(message, inner)
{
    public WhatsAppFailure Failure { get; } = failure;
}

/// <summary>
/// The WhatsApp Business Cloud API: template messages with body parameters, per-tenant phone number id and token.
/// A typed client from IHttpClientFactory with a timeout; 5xx, 429 and network errors are retried once here
/// (and later by the delivery job's backoff); 4xx other than 429 is permanent.
/// </summary>
public sealed class WhatsAppClient(HttpClient http, ILogger<WhatsAppClient> log)
{
    /// <param name="CopyCode">For authentication templates: the one-time code their copy-code button carries.</param>
    public sealed record TemplateMessage(string To, string Template, string Language, IReadOnlyList<string> Parameters, string? CopyCode = null);

    /// <summary>Sends a template message; returns the provider message id (wamid).</summary>
    public async Task<string> SendTemplateAsync(string phoneNumberId, string accessToken, TemplateMessage m, CancellationToken ct = default)
    {
        var body = new
        {
            messaging_product = "whatsapp",
            to = m.To.TrimStart('+'),
            type = "template",
            template = new
            {
                name = m.Template,
                language = new { code = m.Language.Replace('-', '_') },
                components = m.CopyCode is null
                    ? new object[] { Body(m) }
                    : [Body(m), new { type = "button", sub_type = "url", index = "0", parameters = new[] { new { type = "text", text = m.CopyCode } } }],
            },
        };
        using var response = await PostAsync($"{Uri.EscapeDataString(phoneNumberId)}/messages", accessToken, body, ct);
        var json = await response.Content.ReadFromJsonAsync<SendResponse>(ct);
        return json?.Messages?.FirstOrDefault()?.Id ?? throw new WhatsAppException(WhatsAppFailure.Transient, "The Cloud API answered without a message id.");
    }

    private static object Body(TemplateMessage m) =>
        new { type = "body", parameters = m.Parameters.Select(p => new { type = "text", text = p }).ToArray() };

    /// <summary>Checks the credentials: reads the phone number (display number on success).</summary>
    public async Task<string> TestConnectionAsync(string phoneNumberId, string accessToken, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Uri.EscapeDataString(phoneNumberId)}?fields=display_phone_number,verified_name");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode) throw new WhatsAppException(WhatsAppFailure.Permanent, $"{(int)response.StatusCode}: {Trim(text)}");
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.TryGetProperty("display_phone_number", out var n) ? n.GetString() ?? phoneNumberId : phoneNumberId;
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string token, object body, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, ct);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                if (attempt < 2) { await Task.Delay(200, ct); continue; }
                throw new WhatsAppException(WhatsAppFailure.Transient, e.Message, e);
            }
            if (response.IsSuccessStatusCode) return response;
            var text = await response.Content.ReadAsStringAsync(ct);
            var transient = (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests;
            response.Dispose();
            if (transient && attempt < 2) { await Task.Delay(200, ct); continue; }
            log.LogWarning("WhatsApp Cloud API refused a message: {Status}", (int)response.StatusCode);
            throw new WhatsAppException(transient ? WhatsAppFailure.Transient : WhatsAppFailure.Permanent, $"{(int)response.StatusCode}: {Trim(text)}");
        }
    }

    private static string Trim(string s) => s.Length > 500 ? s[..500] : s;

    private sealed record SendResponse([property: JsonPropertyName("messages")] List<SentId>? Messages);
    private sealed record SentId([property: JsonPropertyName("id")] string Id);
}
