using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Automations;

namespace Smartbis.Web.Data;

public sealed partial class SmartbisDb
{
    public DbSet<AutomationSetting> AutomationSettings => Set<AutomationSetting>();
    public DbSet<MessagingSettings> MessagingSettings => Set<MessagingSettings>();
    public DbSet<MessageTemplate> MessageTemplates => Set<MessageTemplate>();
    public DbSet<Message> Messages => Set<Message>();
    public DbSet<MessageAttempt> MessageAttempts => Set<MessageAttempt>();
    public DbSet<WhatsAppStatusReceipt> WhatsAppStatusReceipts => Set<WhatsAppStatusReceipt>();
}
