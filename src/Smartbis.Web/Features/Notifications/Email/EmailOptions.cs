namespace Smartbis.Web.Features.Notifications.Email;

public enum SmtpSecurity { None, StartTls, SslOnConnect, Auto }

/// <summary>Smartbis__Smtp__Host, __Port, __Security, __User, __Password, __From, __FromName.</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;
    public string? User { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "no-reply@smartbis.local";
    public string FromName { get; set; } = "Smartbis";
    public int TimeoutSeconds { get; set; } = 30;
}
