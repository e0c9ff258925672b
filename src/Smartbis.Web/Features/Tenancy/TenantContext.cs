namespace Smartbis.Web.Features.Tenancy;

/// <summary>
/// The tenant the current request or job acts for. Set once by whoever knows it: the signed-in membership,
/// the {tenant} route segment, the API key or the job argument.
/// </summary>
public sealed class TenantContext
{
    public Guid? TenantId { get; private set; }
    public string? Slug { get; private set; }

    public bool IsSet => TenantId is not null;

    public Guid Require() =>
        TenantId ?? throw new InvalidOperationException("No tenant is set for this operation.");

    public void Set(Guid tenantId, string? slug = null)
    {
        if (TenantId is not null && TenantId != tenantId)
            throw new InvalidOperationException("The tenant of this scope is already set to another tenant.");
        TenantId = tenantId;
        Slug = slug;
    }
}
