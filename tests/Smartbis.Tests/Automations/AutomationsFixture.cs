using System.Net;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Tests.Notifications;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Customers;

namespace Smartbis.Tests.Automations;

/// <summary>
/// The app with a fake clock (LedgerFixture), its email going over SMTP to <see cref="Smtp"/> (faulty_smtp.py, which
/// can be stopped and restarted) and its WhatsApp Cloud API calls going to <see cref="WhatsApp"/>, a local HTTP server.
/// </summary>
public sealed class AutomationsFixture : LedgerFixture
{
    public const string AppSecret = "test-app-secret";
    public FaultySmtpServer Smtp { get; } = new();
    public FakeCloudApi WhatsApp { get; } = new();

    public override async Task InitializeAsync()
    {
        await Smtp.StartAsync();
        WhatsApp.Start();
        await base.InitializeAsync();
    }

    protected override void ConfigureSettings(IDictionary<string, string?> settings)
    {
        foreach (var (k, v) in Smtp.AppSettings) settings[k] = v;
        settings["Smartbis:WhatsApp:BaseUrl"] = WhatsApp.BaseUrl;
        settings["Smartbis:WhatsApp:AppSecret"] = AppSecret;
        settings["Smartbis:BaseUrl"] = "https://smartbis.test";
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Smtp.Dispose();
        WhatsApp.Dispose();
    }
}

/// <summary>
/// Stands in for the WhatsApp Cloud API: records each request and answers with a message id — or, for phone
/// number ids starting with <see cref="FailingPrefix"/>, with a 503 as when the Cloud API is down.
/// </summary>
public sealed class FakeCloudApi : IDisposable
{
    public sealed record Request(string Method, string Path, string? Authorization, string Body);

    private readonly HttpListener listener = new();
    private readonly List<Request> requests = [];
    private int counter;
    public const string FailingPrefix = "99";
    public int Port { get; } = FreePort.Next();
    public string BaseUrl => $"http://127.0.0.1:{Port}/v21.0/";
    public IReadOnlyList<Request> Requests { get { lock (requests) return [.. requests]; } }

    public void Start()
    {
        listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        listener.Start();
        _ = Task.Run(LoopAsync);
    }

    private async Task LoopAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            using var reader = new StreamReader(ctx.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            lock (requests) requests.Add(new Request(ctx.Request.HttpMethod, ctx.Request.Url!.AbsolutePath, ctx.Request.Headers["Authorization"], body));
            var failing = ctx.Request.Url!.AbsolutePath.StartsWith($"/v21.0/{FailingPrefix}", StringComparison.Ordinal);
            if (failing) ctx.Response.StatusCode = 503;
            var reply = Encoding.UTF8.GetBytes(failing
                ? """{"error":{"message":"Service temporarily unavailable","code":2}}"""
                : $$"""{"messaging_product":"whatsapp","messages":[{"id":"wamid.TEST{{Interlocked.Increment(ref counter)}}"}]}""");
            ctx.Response.ContentType = "application/json";
            await ctx.Response.OutputStream.WriteAsync(reply);
            ctx.Response.Close();
        }
    }

    public void Dispose()
    {
        try { listener.Stop(); listener.Close(); } catch (ObjectDisposedException) { }
    }
}

/// <summary>Shortcuts for automation tests on a <see cref="TestTenant"/>.</summary>
public static class AutomationKit
{
    public static async Task<Guid> MemberAsync(this TestTenant t, string email, string name = "Ana Souza", bool emailConsent = true, bool whatsAppConsent = false,
        string? phone = null, DateOnly? birthDate = null, string locale = "pt-BR") =>
        (await t.RunAsync<EnrollCustomer, EnrollCustomer.Result>(e => e.ExecuteAsync(new EnrollCustomer.Request(
            name, phone ?? LedgerTestKit.NewPhone(), email, BirthDate: birthDate, EmailConsent: emailConsent, WhatsAppConsent: whatsAppConsent,
            ConsentWording: "Quero receber avisos.", Source: "counter", Locale: locale)))).CustomerId;

    /// <summary>What the after-commit job does: outbox → messages → delivery.</summary>
    public static async Task DispatchAsync(this TestTenant t)
    {
        await using var scope = t.Scope();
        await scope.Get<AutomationJobs>().DispatchAndDeliverAsync(t.Id);
    }

    public static async Task DeliverAsync(this TestTenant t)
    {
        await using var scope = t.Scope();
        await scope.Get<AutomationJobs>().DeliverAsync(t.Id);
    }

    public static Task<List<Message>> MessagesAsync(this TestTenant t, string? trigger = null) =>
        t.WithDbAsync(db => db.Messages.AsNoTracking().Where(m => trigger == null || m.Trigger == trigger).OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).ToListAsync());

    public static Task<List<MessageAttempt>> AttemptsAsync(this TestTenant t, Guid messageId) =>
        t.WithDbAsync(db => db.MessageAttempts.AsNoTracking().Where(a => a.MessageId == messageId).OrderBy(a => a.Number).ThenBy(a => a.At).ToListAsync());

    public static async Task ConfigureAsync(this TestTenant t, Action<MessagingSettings>? settings = null, params AutomationSetting[] triggers)
    {
        await using var scope = t.Scope();
        var s = await Messaging.SettingsAsync(scope.Db);
        settings?.Invoke(s);
        foreach (var trigger in triggers)
        {
            var row = await scope.Db.AutomationSettings.SingleOrDefaultAsync(x => x.Trigger == trigger.Trigger);
            if (row is null) scope.Db.AutomationSettings.Add(row = new AutomationSetting { Trigger = trigger.Trigger });
            (row.Enabled, row.Email, row.WhatsApp, row.DelayMinutes, row.Days, row.QuietHours) = (trigger.Enabled, trigger.Email, trigger.WhatsApp, trigger.DelayMinutes, trigger.Days, trigger.QuietHours);
        }
        await scope.Db.SaveChangesAsync();
    }

    public static async Task UseWhatsAppAsync(this TestTenant t, string phoneNumberId, string token)
    {
        await using var scope = t.Scope();
        var protector = scope.Get<IDataProtectionProvider>().CreateProtector(WhatsAppTokens.Purpose);
        await t.ConfigureAsync(s => { s.WhatsAppPhoneNumberId = phoneNumberId; s.WhatsAppTokenProtected = protector.Protect(token); });
    }
}
