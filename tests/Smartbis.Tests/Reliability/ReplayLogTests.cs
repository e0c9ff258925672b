using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Security;

namespace Smartbis.Tests.Reliability;

/// <summary>
/// A replay is normal traffic (a POS retrying, a cashier pressing the button twice, the demo seeder run again): it is
/// answered with the first result and leaves no Error in the log. The optimistic first attempt of an idempotent write
/// fails its last batch on the key's unique index when the key is already stored; EF Core logs that failure at Error
/// with a stack trace unless the unit marks the attempt as a trial (Infrastructure/Logging.cs).
/// </summary>
public sealed class ReplayLogTests(VerboseLogFixture fixture) : IClassFixture<VerboseLogFixture>
{
    [Fact]
    public async Task Replays_by_api_and_at_the_counter_are_answered_and_log_no_error()
    {
        var t = await SecurityKit.SeedAsync(fixture, "replay-log");
        using var console = new ConsoleCapture();
        var api = fixture.App.ApiClient(t.ApiKey);
        using (var bought = await Post(api, "/api/v1/purchases", new { customer = new { id = t.CustomerId }, amountCents = 42_00, receiptNumber = "REPLAY-LOG-1" }, "replay-log-buy"))
            bought.StatusCode.Should().Be(HttpStatusCode.Created, await bought.Content.ReadAsStringAsync());
        var purchaseId = await Db(t, db => db.Purchases.Where(p => p.ReceiptNumber == "REPLAY-LOG-1").Select(p => p.Id).SingleAsync());
        // A partial refund: the work itself would refund again, so only the stored key tells the replay apart (its
        // first attempt fails on the key's unique index).
        string? first = null;
        for (var i = 0; i < 3; i++)
        {
            using var r = await Post(api, $"/api/v1/purchases/{purchaseId}/refunds", new { amountCents = 1_00, reason = "one item back" }, "replay-log-refund");
            var text = await r.Content.ReadAsStringAsync();
            r.StatusCode.Should().Be(HttpStatusCode.Created, text);
            r.Headers.Contains("Idempotent-Replayed").Should().Be(i > 0, "the first post refunds, the others replay");
            first ??= text;
            text.Should().Be(first);
        }
        (await Db(t, db => db.Purchases.Where(p => p.Id == purchaseId).Select(p => p.RefundedCents).SingleAsync())).Should().Be(1_00);

        using var cashier = fixture.CreateClient();
        (await cashier.SignInAsync(t.T.Cashier.Email, t.T.Cashier.Password)).StatusCode.Should().Be(HttpStatusCode.Redirect);
        var (token, formKey) = await Counter.CounterKit.OpenPurchaseFormAsync(cashier, t.CustomerId);
        var fields = Counter.CounterKit.PurchaseFields(t.CustomerId, formKey, "12,34", receipt: "REPLAY-LOG-2");
        string? receipt = null;
        for (var i = 0; i < 2; i++)
        {
            using var posted = await cashier.PostAsync("/counter?handler=Purchase", fields, token);
            posted.StatusCode.Should().Be(HttpStatusCode.Redirect, "the second press of the button shows the first purchase's receipt");
            var location = posted.Headers.Location?.ToString() ?? "";
            receipt ??= location;
            if (i > 0) location.Should().Be(receipt + "?replayed=true");
        }

        // The last request's completion event is written after its response: wait for it, then read this app's (JSON) lines.
        bool Done() => console.Text.Contains("\"RequestPath\":\"/counter\"", StringComparison.Ordinal)
            && console.Text.Split('\n').Count(l => l.Contains("\"RequestPath\":\"/api/v1/purchases/", StringComparison.Ordinal) && l.Contains("\"StatusCode\":201", StringComparison.Ordinal)) >= 3;
        for (var i = 0; i < 100 && !Done(); i++) await Task.Delay(100);
        Done().Should().BeTrue("the log must hold the replayed requests, or scanning it proves nothing");
        var errors = console.Text.Split('\n')
            .Where(l => l.StartsWith("{\"@t\"", StringComparison.Ordinal) && l.Contains("\"@l\":\"Error\"", StringComparison.Ordinal))
            .Where(l => l.Contains("idempotency", StringComparison.OrdinalIgnoreCase) || l.Contains(t.Id.ToString(), StringComparison.Ordinal)
                        || l.Contains("/api/v1/purchases", StringComparison.Ordinal) || l.Contains("\"RequestPath\":\"/counter\"", StringComparison.Ordinal))
            .Select(l => l[..Math.Min(l.Length, 400)]).ToList();
        errors.Should().BeEmpty("a replay is answered, not an error");
    }

    private async Task<T> Db<T>(SeededTenant t, Func<Web.Data.SmartbisDb, Task<T>> read)
    {
        await using var db = fixture.OpenDb(t.Id);
        return await read(db);
    }

    private static Task<HttpResponseMessage> Post(HttpClient api, string url, object body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(SecurityKit.Json(body), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", key);
        return api.SendAsync(request);
    }
}
