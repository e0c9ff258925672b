namespace Smartbis.Web.Features.Notifications.Email;

public static class EmailSetup
{
    /// <summary>SMTP when Smartbis__Smtp__Host is set; in Development without it, the local mailbox.</summary>
    public static IHostApplicationBuilder AddSmartbisEmail(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<SmtpOptions>(builder.Configuration.GetSection("Smartbis:Smtp"));
        builder.Services.Configure<MailboxOptions>(builder.Configuration.GetSection("Smartbis"));
        builder.Services.AddSingleton<Mailbox>();
        var host = builder.Configuration["Smartbis:Smtp:Host"];
        if (!string.IsNullOrWhiteSpace(host))
        {
            builder.Services.AddSingleton<IEmailSender, SmtpEmailSender>();
            builder.Services.AddSingleton<IEmailBatchSender, SmtpBatchSender>();
        }
        else if (builder.Environment.IsDevelopment())
        {
            builder.Services.AddSingleton<IEmailSender, MailboxEmailSender>();
            builder.Services.AddSingleton<IEmailBatchSender, MailboxBatchSender>();
        }
        else throw new InvalidOperationException("Set Smartbis__Smtp__Host (and port, credentials): email is required outside Development.");
        return builder;
    }
}
