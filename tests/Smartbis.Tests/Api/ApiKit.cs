using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Integrations;
using Smartbis.Web.Features.Programs;

namespace Smartbis.Tests.Api;

/// <summary>Shortcuts for API tests: keys made through the app's own operation, clients that send them, JSON helpers.</summary>
public static class ApiKit
{
    /// <summary>Plain rules plus a voucher each time the available balance reaches R$ 10,00 (so tests can get a voucher quickly).</summary>
    public static ProgramRules VoucherRules()
    {
        var r = SampleRules.Plain();
        r.VoucherMode = VoucherMode.Threshold;
        r.VoucherThresholdCents = 10_00;
        r.VoucherValidityDays = 30;
        return r;
    }

    public static async Task<string> CreateKeyAsync(this TestTenant t, Guid? storeId = null, string name = "POS")
    {
        await using var scope = t.Scope();
        return (await scope.Get<CreateApiKey>().ExecuteAsync(new CreateApiKey.Request(name, storeId), AuditActor.System)).Key;
    }

    public static async Task RevokeKeyAsync(this TestTenant t, string key)
    {
        await using var scope = t.Scope();
        var hash = ApiKey.Hash(key);
        var id = await scope.Db.ApiKeys.Where(k => k.KeyHash == hash).Select(k => k.Id).SingleAsync();
        await scope.Get<RevokeApiKey>().ExecuteAsync(id, AuditActor.System);
    }

    public static HttpClient ApiClient(this LedgerFixture fixture, string? key)
    {
        var client = fixture.App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false,
        });
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object? body, string? idempotencyKey = null) =>
        client.PostRawAsync(path, body is null ? null : body as string ?? JsonSerializer.Serialize(body, JsonSerializerOptions.Web), idempotencyKey ?? Guid.NewGuid().ToString());

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string path, string? json, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        if (idempotencyKey is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        return client.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(expected, "the body was: {0}", text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts an RFC 9457 problem with this status (and, when given, an error for this field); returns it.</summary>
    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, HttpStatusCode expected, string? field = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(expected, "the body was: {0}", text);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        var p = JsonDocument.Parse(text).RootElement.Clone();
        p.GetProperty("status").GetInt32().Should().Be((int)expected);
        p.GetProperty("type").GetString().Should().NotBeNullOrEmpty();
        p.GetProperty("title").GetString().Should().NotBeNullOrEmpty();
        p.GetProperty("detail").GetString().Should().NotBeNullOrEmpty();
        if (field is not null)
            p.GetProperty("errors").TryGetProperty(field, out var messages).Should().BeTrue("errors should name {0}: {1}", field, text);
        return p;
    }

    public static Guid Id(this JsonElement e, string name = "id") => e.GetProperty(name).GetGuid();
    public static long Cents(this JsonElement e, string name) => e.GetProperty(name).GetInt64();
}
