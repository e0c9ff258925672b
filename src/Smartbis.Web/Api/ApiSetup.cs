using Microsoft.OpenApi;
using Scalar.AspNetCore;
using Smartbis.Web.Api.V1;

namespace Smartbis.Web.Api;

public static class ApiSetup
{
    public const string Policy = "ApiKey";

    /// <summary>The REST API /api/v1 (docs/api.md): API-key authentication, rate limit, OpenAPI; and the webhooks behind it.</summary>
    public static IHostApplicationBuilder AddSmartbisApi(this IHostApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddAuthentication().AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        s.AddAuthorizationBuilder().AddPolicy(Policy, p => p.AddAuthenticationSchemes(ApiKeyAuthentication.SchemeName).RequireAuthenticatedUser());
        s.AddSingleton<ApiRateLimit>();
        s.AddOpenApi("v1", o =>
        {
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/v1", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer((doc, _, _) =>
            {
                doc.Info = new OpenApiInfo
                {
                    Title = "Smartbis API", Version = "v1",
                    Description = "Record purchases, refunds and redemptions from a POS or e-commerce back end. " +
                                  "Authenticate with `Authorization: Bearer <API key>`; every POST needs an `Idempotency-Key`. " +
                                  "Amounts are integers in minor units (`*Cents`), times ISO 8601 UTC. Errors are RFC 9457 problem+json.",
                };
                doc.Components ??= new OpenApiComponents();
                doc.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                doc.Components.SecuritySchemes["apiKey"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "sbk_…",
                    Description = "An API key created in Integrations (/app/integrations).",
                };
                doc.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("apiKey", doc)] = [] }];
                return Task.CompletedTask;
            });
            o.AddOperationTransformer((op, ctx, _) =>
            {
                if (ctx.Description.ActionDescriptor.EndpointMetadata.OfType<IdempotentMarker>().Any())
                {
                    op.Parameters ??= [];
                    op.Parameters.Add(new OpenApiParameter
                    {
                        Name = ApiIdempotency.Header, In = ParameterLocation.Header, Required = true,
                        Description = "1–255 printable characters, unique per request (e.g. a UUID). A retry with the same key and body returns the first response with `Idempotent-Replayed: true`.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 255 },
                    });
                }
                // Query strings are bound as text and parsed strictly by ApiQuery (a 400 naming the parameter): the document
                // still says what they hold.
                foreach (var p in op.Parameters?.OfType<OpenApiParameter>().Where(p => p.Name == "limit") ?? [])
                    p.Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = V1.CustomersApi.MaxLimit.ToString(System.Globalization.CultureInfo.InvariantCulture) };
                return Task.CompletedTask;
            });
        });
        return builder;
    }

    public static WebApplication MapSmartbisApi(this WebApplication app)
    {
        var api = app.MapGroup("/api/v1")
            .RequireAuthorization(Policy)
            .AddEndpointFilter<ApiProblemFilter>()
            .AddEndpointFilter<SuspendedTenantFilter>()
            .AddEndpointFilter<ApiRateLimit.Filter>()
            .AddEndpointFilter<Features.Plans.ApiPlanFilter>()
            .DisableAntiforgery();
        CustomersApi.Map(api);
        PurchasesApi.Map(api);
        VouchersApi.Map(api);
        RewardsApi.Map(api);
        ProgramApi.Map(api);

        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference("/api/docs", o => o
            .WithTitle("Smartbis API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .AddDocument("v1")
            .DisableDefaultFonts()).AllowAnonymous();
        return app;
    }

    internal sealed class IdempotentMarker;

    /// <summary>A POST that requires an Idempotency-Key (documented as a header parameter).</summary>
    public static RouteHandlerBuilder Idempotent(this RouteHandlerBuilder b) => b.WithMetadata(new IdempotentMarker());

    /// <summary>The problem responses every endpoint can give, plus the given extra statuses.</summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder b, params int[] extra)
    {
        foreach (var status in new[] { 400, 401, 403, 404, 422, 429 }.Concat(extra).Distinct().Order())
            b.Produces<ProblemDto>(status, ApiProblems.ContentType);
        return b;
    }
}
