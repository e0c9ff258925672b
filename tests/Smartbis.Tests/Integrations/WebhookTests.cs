using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Integrations;
using Smartbis.Web.Features.Ledger;

namespace Smartbis.Tests.Integrations;

/// <summary>Webhooks from the outbox to a real local HTTP receiver: signed, retried with backoff, logged, delivered once.</summary>
public sealed class WebhookTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    private async Task<(Guid Id, string Secret)> SubscribeAsync(TestTenant t, string url, params string[] events)
    {
        await using var scope = t.Scope();
        var r = await scope.Get<CreateWebhookSubscription>().ExecuteAsync(new CreateWebhookSubscription.Request(url, events), AuditActor.System);
        return (r.Id, r.Secret);
    }

    private Task RunJobAsync(TestTenant t) => Fixture.Get<DeliverWebhooks>().RunAsync(t.Id, CancellationToken.None);

    [Fact]
    public async Task A_receiver_failing_twice_gets_the_event_again_with_backoff_then_it_is_delivered_once_and_signed()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        await using var receiver = new WebhookReceiver(500, 503);
        var (subId, secret) = await SubscribeAsync(t, receiver.Url, Events.PurchaseRecorded);
        var customer = await t.EnrollAsync();
        var purchase = await t.BuyAsync(customer, 100_00);

        await RunJobAsync(t);
        receiver.Requests.Should().HaveCount(1);
        await RunJobAsync(t); // not due yet: the backoff holds it
        receiver.Requests.Should().HaveCount(1);
        Clock.Advance(DeliverWebhooks.Backoff(1) + TimeSpan.FromSeconds(1));
        await RunJobAsync(t);
        receiver.Requests.Should().HaveCount(2);
        Clock.Advance(DeliverWebhooks.Backoff(2) + TimeSpan.FromSeconds(1));
        await RunJobAsync(t);
        receiver.Requests.Should().HaveCount(3);
        Clock.Advance(TimeSpan.FromHours(1));
        await RunJobAsync(t);
        receiver.Requests.Should().HaveCount(3, "a delivered event is not sent again");

        var requests = receiver.Requests.ToList();
        requests.Select(r => r.Body).Distinct().Should().HaveCount(1, "every attempt sends the same body");
        requests.Select(r => r.EventId).Distinct().Should().HaveCount(1);
        var body = JsonDocument.Parse(requests[0].Body).RootElement;
        body.GetProperty("type").GetString().Should().Be("purchase.recorded");
        body.GetProperty("tenant").GetString().Should().Be(t.Slug);
        body.GetProperty("id").GetString().Should().Be(requests[0].EventId);
        body.GetProperty("data").GetProperty("purchaseId").GetGuid().Should().Be(purchase.PurchaseId);
        body.GetProperty("data").GetProperty("amountCents").GetInt64().Should().Be(100_00);
        foreach (var r in requests)
        {
            WebhookSignature.Verify(secret, r.Signature!, r.Body, Clock.Now, TimeSpan.FromDays(1)).Should().BeTrue();
            WebhookSignature.Verify("whsec_wrong", r.Signature!, r.Body, Clock.Now, TimeSpan.FromDays(1)).Should().BeFalse();
            WebhookSignature.Verify(secret, r.Signature!, r.Body + " ", Clock.Now, TimeSpan.FromDays(1)).Should().BeFalse();
        }

        var delivery = await t.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.SubscriptionId == subId));
        delivery.Status.Should().Be(DeliveryStatus.Delivered);
        delivery.Attempts.Should().Be(3);
        var log = await t.WithDbAsync(db => db.WebhookAttempts.Where(a => a.DeliveryId == delivery.Id).OrderBy(a => a.Number).Select(a => a.StatusCode).ToListAsync());
        log.Should().Equal(500, 503, 200);
        (await t.WithDbAsync(db => db.OutboxEvents.CountAsync(e => e.ProcessedAt != null))).Should().Be(0, "webhooks never mark outbox rows");
    }

    [Fact]
    public async Task Only_subscribed_events_after_the_subscription_are_queued_once_however_often_the_job_runs()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        await using var receiver = new WebhookReceiver();
        var customer = await t.EnrollAsync();
        await t.BuyAsync(customer, 10_00); // before the subscription: not delivered
        Clock.Advance(TimeSpan.FromSeconds(1));
        await SubscribeAsync(t, receiver.Url, Events.CashbackEarned, Events.CustomerJoined);
        Clock.Advance(TimeSpan.FromSeconds(1));
        await t.BuyAsync(customer, 20_00);
        await t.EnrollAsync("Second");

        await Task.WhenAll(RunJobAsync(t), RunJobAsync(t));
        await RunJobAsync(t);
        var types = receiver.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("type").GetString()).ToList();
        types.Should().BeEquivalentTo(["cashback.earned", "customer.joined"]);
        (await t.WithDbAsync(db => db.WebhookDeliveries.CountAsync())).Should().Be(2);
    }

    [Fact]
    public async Task A_receiver_that_keeps_failing_is_retried_for_24_hours_then_failed_and_can_be_redelivered()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        await using var receiver = new WebhookReceiver(Enumerable.Repeat(500, 100).ToArray());
        await SubscribeAsync(t, receiver.Url, Events.CustomerJoined);
        await t.EnrollAsync();
        var attempts = 0;
        for (var hour = 0; hour < 30; hour++)
        {
            await RunJobAsync(t);
            Clock.Advance(TimeSpan.FromHours(1));
        }
        var d = await t.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().SingleAsync());
        d.Status.Should().Be(DeliveryStatus.Failed);
        attempts = d.Attempts;
        attempts.Should().BeGreaterThan(3).And.BeLessThan(30);
        receiver.Requests.Should().HaveCount(attempts);

        var before = receiver.Requests.Count;
        await using (var scope = t.Scope())
            await scope.Get<RedeliverWebhook>().ExecuteAsync(d.Id, AuditActor.System);
        await RunJobAsync(t);
        receiver.Requests.Should().HaveCount(before + 1);
        (await t.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().SingleAsync())).Attempts.Should().Be(attempts + 1);
    }

    [Fact]
    public async Task Outside_development_urls_must_be_https_and_public_and_connections_to_internal_addresses_are_refused()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Smartbis:Webhooks:AllowPrivateTargets"] = "false" }).Build();
        var guard = new WebhookTargets(config, new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = Environments.Production });
        (await guard.CheckUrlAsync("http://93.184.216.34/hook")).Should().Contain("https");
        foreach (var url in new[] { "https://127.0.0.1/x", "https://10.1.2.3/x", "https://192.168.0.10/x", "https://172.20.0.1/x", "https://169.254.169.254/latest",
                     "https://[::1]/x", "https://[fd00::1]/x", "https://localhost/x", "https://100.64.0.1/x", "https://0.0.0.0/x" })
            (await guard.CheckUrlAsync(url)).Should().NotBeNull(url);
        (await guard.CheckUrlAsync("https://93.184.216.34/hook")).Should().BeNull();
        (await guard.CheckUrlAsync("not a url")).Should().NotBeNull();

        await using var receiver = new WebhookReceiver();
        using var client = new HttpClient(guard.CreateHandler());
        await FluentActions.Awaiting(() => client.GetAsync(receiver.Url)).Should().ThrowAsync<HttpRequestException>();
        receiver.Requests.Should().BeEmpty();

        // And a subscription is refused with the reason beside the field.
        var t = await NewTenantAsync(SampleRules.Plain());
        await using var scope = t.Scope();
        var create = new CreateWebhookSubscription(scope.Db, guard, TimeProvider.System, scope.Get<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>());
        var refused = await LedgerTestKit.ShouldFailAsync(() => create.ExecuteAsync(new("https://10.0.0.1/hook", [Events.PurchaseRecorded]), AuditActor.System), "validation");
        refused.Errors.Should().ContainKey("url");
    }
}
