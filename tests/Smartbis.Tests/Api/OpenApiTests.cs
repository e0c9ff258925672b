using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Smartbis.Tests.Infrastructure;

namespace Smartbis.Tests.Api;

/// <summary>The OpenAPI document describes every /api/v1 endpoint, its problems and the security scheme; the reference UI is served.</summary>
public sealed class OpenApiTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task The_document_lists_every_api_endpoint_with_its_problems_and_the_bearer_scheme()
    {
        var client = fixture.Factory.CreateClient();
        var response = await client.GetAsync("/openapi/v1.json");
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        var doc = JsonDocument.Parse(text).RootElement;

        // Every endpoint the app maps under /api/v1 (read from the routing table, not from a list in this test).
        var endpoints = fixture.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => (Method: m.ToLowerInvariant(), Path: Normalize(e.RoutePattern.RawText!))))
            .ToList();
        endpoints.Should().HaveCount(11, "the contract has eleven endpoints (nine, and the reward catalogue's two)");
        var paths = doc.GetProperty("paths");
        foreach (var (method, path) in endpoints)
        {
            paths.TryGetProperty(path, out var item).Should().BeTrue($"{path} should be documented");
            item.TryGetProperty(method, out var op).Should().BeTrue($"{method} {path} should be documented");
            var responses = op.GetProperty("responses");
            foreach (var status in new[] { "401", "404", "422", "429" })
                responses.TryGetProperty(status, out _).Should().BeTrue($"{method} {path} should document {status}");
            if (method == "post")
                op.GetProperty("parameters").EnumerateArray().Should().Contain(p => p.GetProperty("name").GetString() == "Idempotency-Key",
                    $"{method} {path} requires an Idempotency-Key");
        }
        doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("apiKey").GetProperty("scheme").GetString().Should().Be("bearer");
        doc.GetProperty("components").GetProperty("schemas").TryGetProperty("PurchaseDto", out _).Should().BeTrue();
        // Ledger amounts say their reward type and unit (cents or points).
        var schemas = doc.GetProperty("components").GetProperty("schemas");
        foreach (var (schema, fields) in new[] { ("BalanceDto", new[] { "rewardType", "unit" }), ("EntryDto", new[] { "rewardType", "unit" }),
                     ("PurchaseDto", new[] { "rewardType", "unit" }), ("CustomerDto", new[] { "rewardType" }), ("TierDto", new[] { "unit" }), ("ChallengeProgressDto", new[] { "unit" }) })
            foreach (var field in fields)
                schemas.GetProperty(schema).GetProperty("properties").TryGetProperty(field, out _).Should().BeTrue($"{schema} should document {field}");
    }

    [Fact]
    public async Task The_reference_ui_is_served_at_api_docs()
    {
        var client = fixture.Factory.CreateClient();
        var response = await client.GetAsync("/api/docs");
        if (response.StatusCode is HttpStatusCode.MovedPermanently or HttpStatusCode.Redirect or HttpStatusCode.Found)
            response = await client.GetAsync(response.Headers.Location);
        var html = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, html);
        html.Should().Contain("openapi/v1.json");
    }

    // "/api/v1/customers/{id:guid}" → "/api/v1/customers/{id}"; "/api/v1/customers/" → "/api/v1/customers"
    private static string Normalize(string route)
    {
        var path = System.Text.RegularExpressions.Regex.Replace(route, "\\{([a-zA-Z]+):[^}]+\\}", "{$1}");
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }
}
