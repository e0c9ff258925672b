using System.Net;
using System.Text;
using System.Text.Json;
using FluentAssertions.Execution;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;

namespace Smartbis.Tests.Api;

/// <summary>
/// Issue 14, items 2 and 4: every error body under /api follows the problem+json contract (type urn:smartbis:problem:&lt;code&gt;,
/// title, status, detail, code, requestId) — errors raised by authentication, routing, the method, the query string and the
/// body alike — and numbers or query values that overflow, are not integers or are forged get a 4xx naming the field, never a 500.
/// </summary>
public sealed class ApiErrorContractTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    /// <summary>Asserts the whole contract; returns the problem.</summary>
    internal static async Task<JsonElement> ContractAsync(HttpResponseMessage response, string what, string? field = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).Should().BeInRange(400, 599, "{0}: {1}", what, text);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json", "{0} answered {1}: {2}", what, (int)response.StatusCode, text);
        JsonElement p;
        try { p = JsonDocument.Parse(text).RootElement.Clone(); }
        catch (JsonException) { throw new Xunit.Sdk.XunitException($"{what}: the body is not JSON: {text}"); }
        p.ValueKind.Should().Be(JsonValueKind.Object, what);
        if (p.ValueKind != JsonValueKind.Object) return p;
        foreach (var member in new[] { "type", "title", "status", "detail", "code", "requestId" })
            p.TryGetProperty(member, out _).Should().BeTrue("{0}: the problem needs {1}: {2}", what, member, text);
        if (p.TryGetProperty("status", out var status)) status.GetInt32().Should().Be((int)response.StatusCode, what);
        if (p.TryGetProperty("code", out var code) && p.TryGetProperty("type", out var type))
            type.GetString().Should().Be("urn:smartbis:problem:" + code.GetString(), what);
        if (p.TryGetProperty("detail", out var detail)) detail.GetString().Should().NotBeNullOrWhiteSpace(what);
        if (field is not null)
            (p.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _)).Should().BeTrue("{0} should name the field {1}: {2}", what, field, text);
        return p;
    }

    private static string Cursor(string text) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [Fact]
    public async Task Every_error_under_api_is_problem_json_from_authentication_routing_method_and_query()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var key = await t.CreateKeyAsync(t.StoreId);
        var api = Fixture.ApiClient(key);
        var anonymous = Fixture.ApiClient(null);
        var customer = await t.EnrollAsync();
        var other = await t.AddStoreAsync("Other store");
        var purchase = await t.BuyAsync(customer, 10_00);
        var revoked = await t.CreateKeyAsync(name: "old");
        await t.RevokeKeyAsync(revoked);
        var entries = $"/api/v1/customers/{customer}/entries";

        var cases = new List<(string What, Func<Task<HttpResponseMessage>> Send, HttpStatusCode Status, string? Field)>
        {
            ("no key", () => anonymous.GetAsync("/api/v1/program"), HttpStatusCode.Unauthorized, null),
            ("not a bearer", () => Send(HttpMethod.Get, "/api/v1/program", auth: "Basic dXNlcjpwYXNz"), HttpStatusCode.Unauthorized, null),
            ("unknown key", () => Fixture.ApiClient("sbk_" + new string('x', 40)).GetAsync("/api/v1/program"), HttpStatusCode.Unauthorized, null),
            ("revoked key", () => Fixture.ApiClient(revoked).GetAsync("/api/v1/program"), HttpStatusCode.Unauthorized, null),
            ("another store on a store-bound key", () => api.PostJsonAsync("/api/v1/purchases",
                new { customer = new { id = customer }, amountCents = 1000, receiptNumber = "X-1", storeId = other }), HttpStatusCode.Forbidden, null),
            ("unknown route under /api/v1", () => api.GetAsync("/api/v1/nothing-here"), HttpStatusCode.NotFound, null),
            ("unknown route under /api", () => anonymous.GetAsync("/api/v2/purchases"), HttpStatusCode.NotFound, null),
            ("bare /api", () => anonymous.GetAsync("/api"), HttpStatusCode.NotFound, null),
            ("id that is not a uuid", () => api.GetAsync("/api/v1/customers/not-a-guid"), HttpStatusCode.NotFound, null),
            ("unknown customer", () => api.GetAsync($"/api/v1/customers/{Guid.NewGuid()}"), HttpStatusCode.NotFound, null),
            ("wrong method on a GET endpoint", () => Send(HttpMethod.Delete, "/api/v1/program", auth: "Bearer " + key), HttpStatusCode.MethodNotAllowed, null),
            ("wrong method on a POST endpoint", () => Send(HttpMethod.Put, "/api/v1/purchases", auth: "Bearer " + key, json: "{}"), HttpStatusCode.MethodNotAllowed, null),
            ("wrong method without a key", () => Send(HttpMethod.Patch, "/api/v1/customers", json: "{}"), HttpStatusCode.MethodNotAllowed, null),
            ("limit=abc", () => api.GetAsync(entries + "?limit=abc"), HttpStatusCode.BadRequest, "limit"),
            ("limit=1e3", () => api.GetAsync(entries + "?limit=1e3"), HttpStatusCode.BadRequest, "limit"),
            ("limit=99999999999", () => api.GetAsync(entries + "?limit=99999999999"), HttpStatusCode.BadRequest, "limit"),
            ("limit=1.5", () => api.GetAsync(entries + "?limit=1.5"), HttpStatusCode.BadRequest, "limit"),
            ("limit=-1", () => api.GetAsync(entries + "?limit=-1"), HttpStatusCode.BadRequest, "limit"),
            ("limit=0", () => api.GetAsync(entries + "?limit=0"), HttpStatusCode.BadRequest, "limit"),
            ("limit=201", () => api.GetAsync(entries + "?limit=201"), HttpStatusCode.BadRequest, "limit"),
            ("limit twice", () => api.GetAsync(entries + "?limit=1&limit=2"), HttpStatusCode.BadRequest, "limit"),
            ("cursor not base64", () => api.GetAsync(entries + "?cursor=%25%25%25"), HttpStatusCode.BadRequest, "cursor"),
            ("cursor with ticks beyond 64 bits", () => api.GetAsync(entries + "?cursor=" + Cursor($"99999999999999999999:{Guid.NewGuid()}")), HttpStatusCode.BadRequest, "cursor"),
            ("cursor with ticks beyond year 9999", () => api.GetAsync(entries + "?cursor=" + Cursor($"{long.MaxValue}:{Guid.NewGuid()}")), HttpStatusCode.BadRequest, "cursor"),
            ("cursor with negative ticks", () => api.GetAsync(entries + "?cursor=" + Cursor($"-5:{Guid.NewGuid()}")), HttpStatusCode.BadRequest, "cursor"),
            ("cursor without an id", () => api.GetAsync(entries + "?cursor=" + Cursor("638000000000000000")), HttpStatusCode.BadRequest, "cursor"),
            ("cursor with a bad id", () => api.GetAsync(entries + "?cursor=" + Cursor("638000000000000000:42")), HttpStatusCode.BadRequest, "cursor"),
            ("cursor of 5000 characters", () => api.GetAsync(entries + "?cursor=" + new string('A', 5000)), HttpStatusCode.BadRequest, "cursor"),
            ("lookup with two criteria", () => api.GetAsync("/api/v1/customers/lookup?phone=1&email=a@b.c"), HttpStatusCode.BadRequest, "query"),
            ("lookup with a bad phone", () => api.GetAsync("/api/v1/customers/lookup?phone=12"), HttpStatusCode.UnprocessableEntity, "phone"),
            ("refund of an unknown purchase", () => api.PostJsonAsync($"/api/v1/purchases/{Guid.NewGuid()}/refunds", new { amountCents = 1, reason = "x" }), HttpStatusCode.NotFound, null),
            ("body over 1 MB", () => api.PostRawAsync("/api/v1/purchases", "{\"pad\":\"" + new string('x', 1024 * 1024 + 10) + "\"}", "big-1"), HttpStatusCode.RequestEntityTooLarge, null),
            ("no idempotency key", () => api.PostRawAsync("/api/v1/purchases", "{}", null), HttpStatusCode.BadRequest, null),
        };

        using (new AssertionScope())
        {
            foreach (var (what, send, status, field) in cases)
            {
                using var response = await send();
                response.StatusCode.Should().Be(status, what);
                await ContractAsync(response, what, field);
            }
        }
        // A valid page still works with the strict parsing: a cursor the API returned is accepted.
        var first = await (await api.GetAsync(entries + "?limit=1")).JsonAsync(HttpStatusCode.OK);
        first.GetProperty("items").GetArrayLength().Should().Be(1);
        _ = purchase;

        Task<HttpResponseMessage> Send(HttpMethod method, string path, string? auth = null, string? json = null)
        {
            var request = new HttpRequestMessage(method, path);
            if (auth is not null) request.Headers.TryAddWithoutValidation("Authorization", auth);
            if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
            request.Headers.TryAddWithoutValidation("Idempotency-Key", Guid.NewGuid().ToString());
            return anonymous.SendAsync(request);
        }
    }

    [Fact]
    public async Task Numbers_that_overflow_or_are_not_whole_cents_are_refused_naming_the_field_on_every_endpoint()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var api = Fixture.ApiClient(await t.CreateKeyAsync(t.StoreId));
        var customer = await t.EnrollAsync();
        var purchase = await t.BuyAsync(customer, 100_00);
        var c = customer.ToString();
        string P(string rest) => "{\"customer\":{\"id\":\"" + c + "\"},\"receiptNumber\":\"N-1\"" + rest + "}";
        const long max = long.MaxValue;
        var manyItems = "[" + string.Join(",", Enumerable.Repeat("{\"category\":\"a\",\"amountCents\":1}", 501)) + "]";
        var refunds = $"/api/v1/purchases/{purchase.PurchaseId}/refunds";

        var cases = new (string What, string Path, string Json, string Field)[]
        {
            // Lines whose sum overflows 64 bits: unchecked it wraps to 1000 and "adds up"; checked it threw (500).
            ("items that wrap to the amount", "/api/v1/purchases", P($",\"amountCents\":1000,\"items\":[{{\"category\":\"a\",\"amountCents\":{max}}},{{\"category\":\"b\",\"amountCents\":{max}}},{{\"category\":\"c\",\"amountCents\":1002}}]"), "items"),
            ("items summing past long.MaxValue", "/api/v1/purchases", P($",\"amountCents\":1000,\"items\":[{{\"category\":\"a\",\"amountCents\":{max}}},{{\"category\":\"b\",\"amountCents\":{max}}}]"), "items"),
            ("an item beyond 64 bits", "/api/v1/purchases", P(",\"amountCents\":1000,\"items\":[{\"category\":\"a\",\"amountCents\":99999999999999999999}]"), "items[0].amountCents"),
            ("an item of 1.5 cents", "/api/v1/purchases", P(",\"amountCents\":1000,\"items\":[{\"category\":\"a\",\"amountCents\":1.5}]"), "items[0].amountCents"),
            ("an item of 1e3 cents", "/api/v1/purchases", P(",\"amountCents\":1000,\"items\":[{\"category\":\"a\",\"amountCents\":1e3}]"), "items[0].amountCents"),
            ("an item amount as a string", "/api/v1/purchases", P(",\"amountCents\":1000,\"items\":[{\"category\":\"a\",\"amountCents\":\"1000\"}]"), "items[0].amountCents"),
            ("a null item amount", "/api/v1/purchases", P(",\"amountCents\":1000,\"items\":[{\"category\":\"a\",\"amountCents\":null}]"), "items"),
            ("a negative item", "/api/v1/purchases", P(",\"amountCents\":1000,\"items\":[{\"category\":\"a\",\"amountCents\":-1000},{\"category\":\"b\",\"amountCents\":2000}]"), "items"),
            ("501 items", "/api/v1/purchases", P(",\"amountCents\":501,\"items\":" + manyItems), "items"),
            ("items not an array", "/api/v1/purchases", P(",\"amountCents\":1000,\"items\":{\"a\":1}"), "items"),
            ("amount long.MaxValue", "/api/v1/purchases", P($",\"amountCents\":{max}"), "amountCents"),
            ("amount long.MinValue", "/api/v1/purchases", P($",\"amountCents\":{long.MinValue}"), "amountCents"),
            ("amount 1e3", "/api/v1/purchases", P(",\"amountCents\":1e3"), "amountCents"),
            ("amount null", "/api/v1/purchases", P(",\"amountCents\":null"), "amountCents"),
            ("redeem long.MaxValue", "/api/v1/purchases", P($",\"amountCents\":1000,\"redeemCents\":{max}"), "redeemCents"),
            ("redeem 0.5", "/api/v1/purchases", P(",\"amountCents\":1000,\"redeemCents\":0.5"), "redeemCents"),
            ("redeem as a string", "/api/v1/purchases", P(",\"amountCents\":1000,\"redeemCents\":\"10\""), "redeemCents"),
            ("refund long.MaxValue", refunds, $"{{\"amountCents\":{max},\"reason\":\"x\"}}", "amountCents"),
            ("refund beyond 64 bits", refunds, "{\"amountCents\":99999999999999999999,\"reason\":\"x\"}", "amountCents"),
            ("refund 1e2", refunds, "{\"amountCents\":1e2,\"reason\":\"x\"}", "amountCents"),
            ("refund 2.5", refunds, "{\"amountCents\":2.5,\"reason\":\"x\"}", "amountCents"),
            ("refund negative", refunds, "{\"amountCents\":-1,\"reason\":\"x\"}", "amountCents"),
            ("enrol: consents as numbers", "/api/v1/customers", "{\"name\":\"A\",\"phone\":\"+5511988887777\",\"consents\":{\"email\":1}}", "consents.email"),
            ("redeem: purchaseId as a number", "/api/v1/vouchers/ABCD-EFGH-JKLM/redeem", "{\"purchaseId\":12}", "purchaseId"),
        };
        var before = await t.RowCountsAsync();
        using (new AssertionScope())
        {
            foreach (var (what, path, json, field) in cases)
            {
                using var response = await api.PostRawAsync(path, json, "num-" + Guid.NewGuid());
                ((int)response.StatusCode).Should().BeOneOf([400, 422], what);
                await ContractAsync(response, what, field);
            }
        }
        (await t.RowCountsAsync()).Should().Be(before, "refused requests write nothing");
    }
}
