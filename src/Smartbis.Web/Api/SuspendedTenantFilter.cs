using Smartbis.Web.Features.Operations;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Api;

/// <summary>
/// Every API request of a suspended tenant (reads included) is answered 403 problem+json with the operator's reason
/// (<c>code</c> "tenant_suspended", <c>reason</c>): a POS learns at its first call why nothing is recorded, rather than
/// reading balances that cannot be used. <see cref="ApiKeyAuthentication"/> marks the request; writes are refused again
/// inside their transaction (<see cref="Suspension"/>), should a suspension land between the two.
/// </summary>
public sealed class SuspendedTenantFilter : IEndpointFilter
{
    public const string ReasonKey = "smartbis:api:suspended";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext ctx, EndpointFilterDelegate next)
    {
        if (ctx.HttpContext.Items[ReasonKey] is string reason)
        {
            var refusal = Suspension.Refusal(reason);
            throw new ApiProblem(403, Suspension.Code, ErrorTexts.English(refusal.Messages[""][0]),
                extensions: new Dictionary<string, object?> { ["reason"] = reason });
        }
        return next(ctx);
    }
}
