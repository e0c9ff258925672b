using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Integrations;

namespace Smartbis.Web.Data;

public sealed partial class SmartbisDb
{
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<WebhookSubscription> WebhookSubscriptions => Set<WebhookSubscription>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<WebhookAttempt> WebhookAttempts => Set<WebhookAttempt>();
}
