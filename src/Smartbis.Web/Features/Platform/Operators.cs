using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Smartbis.Web.Features.Platform;

/// <summary>Platform operators are named by email in configuration (Smartbis__Operators="a@x.com,b@y.com").</summary>
public sealed class OperatorOptions
{
    public string Operators { get; set; } = "";

    public bool IsOperator(string? email) =>
        !string.IsNullOrEmpty(email) &&
        Operators.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries)
                 .Contains(email, StringComparer.OrdinalIgnoreCase);
}

public sealed class OperatorRequirement : IAuthorizationRequirement;

public sealed class OperatorHandler(IOptionsMonitor<OperatorOptions> options) : AuthorizationHandler<OperatorRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, OperatorRequirement requirement)
    {
        if (context.User.Identity?.IsAuthenticated == true &&
            options.CurrentValue.IsOperator(context.User.FindFirstValue(ClaimTypes.Email)))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
