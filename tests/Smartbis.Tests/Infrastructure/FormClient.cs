using System.Net;
using System.Text.RegularExpressions;

namespace Smartbis.Tests.Infrastructure;

/// <summary>
/// Drives Razor Pages like a browser without one: keeps cookies (through the HttpClient it wraps),
/// reads the antiforgery token from the page it GETs and posts forms with it. Redirects are not
/// followed, so tests can assert on them; <see cref="FollowAsync"/> follows one.
/// Create it with <see cref="SmartbisFactory.CreateFormClient"/>.
/// </summary>
public sealed partial class FormClient(HttpClient http) : IDisposable
{
    public const string TokenField = "__RequestVerificationToken";

    public HttpClient Http { get; } = http;

    /// <summary>The body of the last page read by this client (for assertion messages).</summary>
    public string LastHtml { get; private set; } = "";

    public async Task<HttpResponseMessage> GetAsync(string url) => await Http.GetAsync(url);

    /// <summary>GETs a page, expects 200 and returns its HTML.</summary>
    public async Task<string> GetPageAsync(string url)
    {
        using var response = await Http.GetAsync(url);
        LastHtml = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw new HttpRequestException(
                $"GET {url} answered {(int)response.StatusCode} {response.StatusCode} (Location: {response.Headers.Location}):\n{Shorten(LastHtml)}");
        return LastHtml;
    }

    /// <summary>
    /// GETs <paramref name="pageUrl"/>, takes its antiforgery token and POSTs <paramref name="fields"/> to
    /// <paramref name="action"/> (default: the page itself). Returns the response unread (dispose it).
    /// </summary>
    public async Task<HttpResponseMessage> SubmitAsync(
        string pageUrl, IEnumerable<KeyValuePair<string, string>> fields, string? action = null)
    {
        var html = await GetPageAsync(pageUrl);
        var token = FindAntiforgeryToken(html)
                    ?? throw new InvalidOperationException($"No {TokenField} input on {pageUrl}:\n{Shorten(html)}");
        return await PostAsync(action ?? pageUrl, fields, token);
    }

    /// <inheritdoc cref="SubmitAsync(string, IEnumerable{KeyValuePair{string, string}}, string?)"/>
    public Task<HttpResponseMessage> SubmitAsync(string pageUrl, object fields, string? action = null) =>
        SubmitAsync(pageUrl, ToFields(fields), action);

    /// <summary>POSTs a urlencoded form with the given antiforgery token (null: none).</summary>
    public async Task<HttpResponseMessage> PostAsync(string url, IEnumerable<KeyValuePair<string, string>> fields, string? token)
    {
        var all = fields.ToList();
        if (token is not null && all.All(f => f.Key != TokenField)) all.Add(new(TokenField, token));
        return await Http.PostAsync(url, new FormUrlEncodedContent(all));
    }

    /// <summary>Signs in through /account/signin; returns the response (a redirect on success).</summary>
    public Task<HttpResponseMessage> SignInAsync(string email, string password, string? returnUrl = null) =>
        SubmitAsync(returnUrl is null ? "/account/signin" : $"/account/signin?ReturnUrl={Uri.EscapeDataString(returnUrl)}",
            new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = password });

    /// <summary>Follows the redirect in <paramref name="response"/> (GET), returning the next response.</summary>
    public async Task<HttpResponseMessage> FollowAsync(HttpResponseMessage response)
    {
        var location = response.Headers.Location
                       ?? throw new InvalidOperationException($"Not a redirect: {(int)response.StatusCode} {response.StatusCode}");
        return await Http.GetAsync(location);
    }

    /// <summary>The value of the first <c>__RequestVerificationToken</c> hidden input in the HTML, if any.</summary>
    public static string? FindAntiforgeryToken(string html)
    {
        foreach (Match input in InputTag().Matches(html))
        {
            var tag = input.Value;
            if (!tag.Contains($"name=\"{TokenField}\"", StringComparison.Ordinal)) continue;
            var value = ValueAttribute().Match(tag);
            if (value.Success) return WebUtility.HtmlDecode(value.Groups[1].Value);
        }
        return null;
    }

    private static IEnumerable<KeyValuePair<string, string>> ToFields(object fields) => fields switch
    {
        IEnumerable<KeyValuePair<string, string>> pairs => pairs,
        // Anonymous objects: new { Email = "…" }; property names are the field names.
        _ => fields.GetType().GetProperties()
            .Select(p => new KeyValuePair<string, string>(p.Name, Convert.ToString(p.GetValue(fields), System.Globalization.CultureInfo.InvariantCulture) ?? "")),
    };

    private static string Shorten(string s) => s.Length <= 2000 ? s : s[..2000] + "…";

    [GeneratedRegex(@"<input\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InputTag();

    [GeneratedRegex(@"\bvalue=""([^""]*)""", RegexOptions.IgnoreCase)]
    private static partial Regex ValueAttribute();

    public void Dispose() => Http.Dispose();
}
