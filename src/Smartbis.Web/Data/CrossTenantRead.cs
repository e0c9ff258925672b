using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Smartbis.Web.Data;

/// <summary>
/// Why a read crosses tenants. Each member is a path that must find rows before it knows their tenant;
/// docs/reliability.md ("Row-level security") says why each exists. Adding one is a reviewed change.
/// </summary>
public enum CrossTenantPurpose
{
    /// <summary>An API request: the key's hash names the tenant (tenant_keys), then the key is read within it (api_keys).</summary>
    ApiKeyLookup,
    /// <summary>Staff sign-in and the tenant switcher: a user's own memberships in every business (memberships).</summary>
    StaffMemberships,
    /// <summary>Accepting a staff invitation: the token is all the visitor has (staff_invitations, stores).</summary>
    StaffInvitationByToken,
    /// <summary>WhatsApp status webhook: the business phone number id names the tenant (tenant_keys), else the provider's message id (messages).</summary>
    WhatsAppStatusByProviderId,
    /// <summary>The webhook job: which tenants have active subscriptions or pending deliveries.</summary>
    WebhookFanOut,
    /// <summary>The operator's console under /admin (operators only): owners and staff (memberships), health (messages, webhook_deliveries), activity and metrics (daily_stats), per page of tenants.</summary>
    OperatorOverview,
    /// <summary>The operator's /admin/usage and its CSV export: every tenant's months of usage (usage_months).</summary>
    OperatorUsage,
    /// <summary>The operator's /admin/upgrades: every tenant's plan change requests (upgrade_requests).</summary>
    OperatorUpgrades,
    /// <summary>The automations' safety-net job: which tenants have lost outbox events or messages (outbox_events, messages).</summary>
    OutboxSweep,
}

/// <summary>
/// The one way to read across tenants. While <paramref name="read"/> runs, the context's commands carry
/// <c>app.cross_tenant = on</c>, which the cross_tenant_read policies of a few tables honour for SELECT only
/// (writes always need the row's own tenant). Every use is logged with its purpose. The query must still say
/// <c>IgnoreQueryFilters()</c>: the first wall is lowered on purpose too, in the same line of code.
/// </summary>
public static class CrossTenantRead
{
    public static async Task<T> RunAsync<T>(SmartbisDb db, CrossTenantPurpose purpose, Func<Task<T>> read)
    {
        if (db.CrossTenantPurpose is { } open)
            throw new InvalidOperationException($"A cross-tenant read ({open}) is already open on this context.");
        db.GetService<ILoggerFactory>().CreateLogger(typeof(CrossTenantRead))
            .LogInformation("Cross-tenant read: {CrossTenantPurpose}", purpose);
        db.CrossTenantPurpose = purpose;
        try
        {
            return await read();
        }
        finally
        {
            db.CrossTenantPurpose = null;
        }
    }
}
