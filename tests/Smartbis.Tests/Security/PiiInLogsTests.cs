using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Smartbis.Tests.Infrastructure;

namespace Smartbis.Tests.Security;

/// <summary>
/// The app as configured outside Development (one JSON object per event, every property written: what a log
/// pipeline would store), at its most verbose level. Its console output is what the test scans.
/// </summary>
public sealed class VerboseLogFixture : DatabaseFixture
{
    public Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> App { get; private set; } = null!;

    protected override void ConfigureSettings(IDictionary<string, string?> settings) => settings["Serilog:MinimumLevel:Default"] = "Verbose";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        App = Factory.WithWebHostBuilder(b => b.UseEnvironment("Production")
            .UseSetting("Smartbis:Smtp:Host", "127.0.0.1").UseSetting("Smartbis:Smtp:Port", "2525"));
    }

    public FormClient CreateClient() => new(App.CreateClient(new() { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false }));
}

/// <summary>Copies everything written to the console into a buffer as well (Serilog's console sink writes to Console.Out).</summary>
public sealed class ConsoleCapture : TextWriter, IDisposable
{
    private readonly TextWriter original = Console.Out;
    private readonly System.Text.StringBuilder buffer = new();

    public ConsoleCapture() => Console.SetOut(this);

    public override System.Text.Encoding Encoding => original.Encoding;
    public override void Write(char value) { lock (buffer) buffer.Append(value); original.Write(value); }
    public override void Write(string? value) { lock (buffer) buffer.Append(value); original.Write(value); }
    public override void WriteLine(string? value) { lock (buffer) buffer.AppendLine(value); original.WriteLine(value); }
    public string Text { get { lock (buffer) return buffer.ToString(); } }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Console.SetOut(original);
        base.Dispose(disposing);
    }
}

/// <summary>
/// PII stays out of the logs and is masked in lists: a journey (enrol by API with CPF and phone, look the customer up
/// at the counter and by API by phone and CPF, record a purchase, fail an enrolment with the same phone) is logged at
/// the most verbose level, and the log never holds the CPF's or the phone's digits in full. The dashboard's lists
/// and the counter card show the CPF masked.
/// </summary>
public sealed partial class PiiInLogsTests(VerboseLogFixture fixture) : IClassFixture<VerboseLogFixture>
{
    [Fact]
    public async Task A_journey_with_a_cpf_and_a_phone_leaves_neither_in_the_logs_nor_unmasked_in_lists()
    {
        var t = await SecurityKit.SeedAsync(fixture, "pii-logs");
        using var console = new ConsoleCapture();
        var (cpf, phone) = (SecurityKit.NewCpf(), Features.LedgerTestKit.NewPhone());
        var api = fixture.App.ApiClient(t.ApiKey);

        using (var enrolled = await Post(api, "/api/v1/customers", new { name = "Pii Person", phone, cpf, email = "pii@example.com" }))
            enrolled.StatusCode.Should().Be(HttpStatusCode.Created);
        using (var again = await Post(api, "/api/v1/customers", new { name = "Pii Person", phone, cpf }))
            ((int)again.StatusCode).Should().BeInRange(400, 499, "the same phone again is refused (and that refusal is logged somewhere, or not)");
        (await api.GetAsync($"/api/v1/customers/lookup?cpf={cpf}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await api.GetAsync($"/api/v1/customers/lookup?phone={Uri.EscapeDataString(phone)}")).StatusCode.Should().Be(HttpStatusCode.OK);

        using var staff = fixture.CreateClient();
        (await staff.SignInAsync(t.T.Cashier.Email, t.T.Cashier.Password)).StatusCode.Should().Be(HttpStatusCode.Redirect);
        var byPhone = await staff.GetPageAsync($"/counter?q={Uri.EscapeDataString(phone)}");
        byPhone.Should().Contain("Pii Person", "the counter finds the customer by phone");
        var found = await staff.GetPageAsync($"/counter?q={cpf}");
        found.Should().Contain("Pii Person", "the counter finds the customer by CPF");
        var customerId = Regex.Match(found, @"name=""Purchase.CustomerId""[^>]*value=""([0-9a-f-]{36})""").Groups[1].Value;
        customerId.Should().NotBeEmpty();
        // The card as shown once the customer is chosen (the search box no longer echoes what was typed).
        var card = await staff.GetPageAsync($"/counter?c={customerId}");
        var (token, key) = await Counter.CounterKit.OpenPurchaseFormAsync(staff, Guid.Parse(customerId));
        using (var bought = await staff.PostAsync("/counter?handler=Purchase",
                   Counter.CounterKit.PurchaseFields(Guid.Parse(customerId), key, "50,00", receipt: "PII-1"), token))
            bought.StatusCode.Should().Be(HttpStatusCode.Redirect);

        // Lists: the CPF is masked wherever staff see it.
        using var owner = fixture.CreateClient();
        (await owner.SignInAsync(t.T.Owner.Email, t.T.Owner.Password)).StatusCode.Should().Be(HttpStatusCode.Redirect);
        var list = await owner.GetPageAsync("/app/customers?q=Pii");
        list.Should().Contain("Pii Person");
        var detail = await owner.GetPageAsync($"/app/customers/{customerId}");
        foreach (var (page, html) in new[] { ("counter card", card), ("customer list", list), ("customer detail", detail) })
        {
            Digits(html).Should().NotContain(cpf, "the {0} masks the CPF", page);
        }

        // A request's completion event is written after its response reached the client: wait for the journey's last.
        for (var i = 0; i < 100 && !(console.Text.Contains("\"RequestPath\":\"/api/v1/customers\"") && console.Text.Contains($"/app/customers/{customerId}\"")); i++)
            await Task.Delay(100);
        // Only this app's events: it alone logs JSON (Production); other test classes running at the same time write
        // their own (development-format) lines to the same process-wide console.
        var log = string.Join('\n', console.Text.Split('\n').Where(l => l.Contains("{\"@t\"", StringComparison.Ordinal)));
        log.Should().Contain("\"RequestPath\":\"/api/v1/customers\"").And.Contain("\"RequestPath\":\"/counter\"", "the log must capture the journey's requests, or scanning it proves nothing");
        log.Should().Contain(t.Id.ToString(), "events carry the tenant");
        Digits(log).Should().NotContain(cpf, "the CPF never appears in the logs in full (with or without punctuation)");
        Digits(log).Should().NotContain(phone.TrimStart('+'), "the phone number never appears in the logs in full");
        Digits(log).Should().NotContain(phone[3..], "nor the phone's national digits");
    }

    /// <summary>
    /// Each app instance writes its request log to its own logger. Serilog's process-wide static logger belongs to whichever
    /// instance was built (or disposed) last, so a request log written through it lands in another instance's sink or
    /// nowhere: this is what made the journey above lose its API requests when other test classes started apps.
    /// </summary>
    [Fact]
    public async Task Request_completion_events_go_to_their_own_apps_log_when_another_app_starts_and_stops_in_the_process()
    {
        using var console = new ConsoleCapture();
        using (var first = fixture.CreateClient())
            (await first.GetAsync("/")).EnsureSuccessStatusCode();
        await using (var other = fixture.Factory.WithWebHostBuilder(b => b.UseEnvironment("Development")))
        using (var client = other.CreateClient())
            (await client.GetAsync("/")).EnsureSuccessStatusCode();

        var probe = $"/no-such-page-{Guid.NewGuid():N}";
        using (var again = fixture.CreateClient())
            (await again.GetAsync(probe)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        // The completion event: the one with a status code (the request's other events carry its path too, from its log scope).
        bool Logged() => console.Text.Split('\n').Any(l => l.StartsWith("{\"@t\"", StringComparison.Ordinal)
            && l.Contains($"\"RequestPath\":\"{probe}\"", StringComparison.Ordinal) && l.Contains("\"StatusCode\":404", StringComparison.Ordinal));
        for (var i = 0; i < 50 && !Logged(); i++) await Task.Delay(100);
        Logged().Should().BeTrue("the request is logged by the app that served it, in its own (JSON) format");
    }

    private static Task<HttpResponseMessage> Post(HttpClient api, string url, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(SecurityKit.Json(body), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return api.SendAsync(request);
    }

    /// <summary>The text with punctuation between digits removed ("123.456.789-09" → "12345678909"), to catch formatted values.</summary>
    private static string Digits(string text) => DigitSeparators().Replace(text, "");

    [GeneratedRegex(@"(?<=\d)[\s.\-()/]+(?=\d)")]
    private static partial Regex DigitSeparators();
}
