namespace Smartbis.Web.Features.Tenancy;

/// <summary>
/// A row that belongs to one tenant. Its table is keyed (tenant_id, ...), every foreign key to another
/// tenant-owned table includes tenant_id, and the DbContext filters and guards it by the current tenant.
/// </summary>
public interface ITenantOwned
{
    Guid TenantId { get; set; }
}
