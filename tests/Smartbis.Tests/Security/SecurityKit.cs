using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Tests.Tenancy;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Counter;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Integrations;
using Smartbis.Web.Features.Portal;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Purchases;
using Smartbis.Web.Features.Staff;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Features.Vouchers;

namespace Smartbis.Tests.Security;

/// <summary>
/// A tenant with one of everything a page or endpoint can be asked for by id or code: a member (email, phone, CPF),
/// a purchase with a receipt and a refund, a voucher, an API key, a webhook with a delivery, a failed message,
/// a custom template, an anomaly flag, a pending staff invitation and a second store. Made through the app's own
/// operations where one exists; rows without an operation (message, delivery, flag) are inserted as the jobs would.
/// </summary>
public sealed record SeededTenant(
    TenantKit.TestTenant T, Guid CustomerId, string CustomerName, string Email, string Phone, string Cpf, string CardCode, string ReferralCode,
    Guid PurchaseId, string ReceiptNumber, string PurchaseKey, Guid VoucherId, string VoucherCode, string ApiKey, Guid ApiKeyId,
    Guid WebhookId, Guid DeliveryId, Guid MessageId, Guid TemplateId, Guid AnomalyId, Guid InvitationId, Guid CashierMembershipId,
    Guid SecondStoreId, string RefundKey, string AdjustKey, string SecondPurchaseKey, Guid ChallengeId = default, Guid TagId = default, Guid CampaignId = default)
{
    public Guid Id => T.Id;
    public string Slug => T.Slug;
    public Guid StoreId => T.StoreId;
}

/// <summary>
/// A tenant's reward catalogue for the sweeps: the tenant switched to a points program, one reward (1 point, every store)
/// and, when asked, two claims of it by the seeded member (one at the counter, one on the portal), made with the real operations.
/// </summary>
public sealed record SeededRewards(Guid RewardId, string RewardName, Guid ClaimId, string ClaimCode, string CounterKey, string PortalKey);

public static class SecurityKit
{
    /// <summary>
    /// Makes <paramref name="t"/> a points program and gives it a reward (and with <paramref name="redeem"/>, two claims of it).
    /// Separate from <see cref="SeedAsync"/> so the tests that compare the seeded tenants' balances stay as they were.
    /// </summary>
    public static async Task<SeededRewards> SeedRewardsAsync(DatabaseFixture fixture, SeededTenant t, bool redeem = true)
    {
        await using var scope = fixture.CreateScope(t.Id);
        // A new rules version with reward type Points, as RewardsKit makes it, dated like a real one (the program page shows when it was made).
        var current = await scope.Db.ProgramRules.OrderByDescending(r => r.Version).FirstAsync();
        var points = current.CopyAsNextVersion();
        points.RewardType = Web.Features.Programs.RewardType.Points;
        points.EffectiveFrom = current.EffectiveFrom.AddSeconds(1);
        points.CreatedAt = DateTimeOffset.UtcNow;
        scope.Db.ProgramRules.Add(points);
        await scope.Db.SaveChangesAsync();
        var name = $"Reward of {t.Slug}";
        var rewardId = await scope.Get<Web.Features.Rewards.SaveReward>().ExecuteAsync(Features.Rewards.RewardsKit.Reward(name, cost: 1), AuditActor.System);
        if (!redeem) return new SeededRewards(rewardId, name, Guid.Empty, "", "", "");
        var (counterKey, portalKey) = ("counter-" + LedgerTestKit.NewKey(), "portal-" + LedgerTestKit.NewKey());
        var redeemer = scope.Get<Web.Features.Rewards.RedeemReward>();
        var claim = (await redeemer.ExecuteAsync(new Web.Features.Rewards.RedeemReward.Request(t.CustomerId, rewardId, counterKey, "counter", t.StoreId),
            AuditActor.System)).Value;
        await redeemer.ExecuteAsync(new Web.Features.Rewards.RedeemReward.Request(t.CustomerId, rewardId, portalKey, "portal"), AuditActor.System);
        return new SeededRewards(rewardId, name, claim.ClaimId, claim.Code, counterKey, portalKey);
    }

    private static int cpfCounter = Random.Shared.Next(100_000, 900_000);

    /// <summary>A valid CPF (checksum digits computed) nobody in this run has used.</summary>
    public static string NewCpf()
    {
        var n = Interlocked.Increment(ref cpfCounter);
        var d = $"{n:D9}".Select(c => c - '0').ToList();
        int Digit(int len) { var s = 0; for (var i = 0; i < len; i++) s += d[i] * (len + 1 - i); var r = s % 11; return r < 2 ? 0 : 11 - r; }
        d.Add(Digit(9));
        d.Add(Digit(10));
        var cpf = string.Concat(d);
        Cpf.Normalize(cpf).Should().Be(cpf, "the kit must hand out valid CPFs");
        return cpf;
    }

    public static async Task<SeededTenant> SeedAsync(DatabaseFixture fixture, string slug)
    {
        var t = await TenantKit.CreateAsync(fixture.Factory, slug);
        var now = DateTimeOffset.UtcNow;
        await using var scope = fixture.CreateScope(t.Id);
        var db = scope.Db;
        var rules = SampleRules.Plain();
        rules.VoucherMode = VoucherMode.Threshold;
        rules.VoucherThresholdCents = 10_00;
        rules.VoucherValidityDays = 30;
        await scope.Get<SaveProgramRules>().ExecuteAsync(rules, null, now.AddDays(-30));

        var (email, phone, cpf, name) = ($"member@{slug}.test", LedgerTestKit.NewPhone(), NewCpf(), $"Member of {slug}");
        var joined = await scope.Get<EnrollCustomer>().ExecuteAsync(new EnrollCustomer.Request(name, phone, email, cpf,
            EmailConsent: true, WhatsAppConsent: true, ConsentWording: "test", Source: "counter"));
        var (receipt, key) = ("RCPT-" + slug, "key-" + slug + "-" + LedgerTestKit.NewKey()[..8]);
        var purchase = (await scope.Get<RecordPurchase>().ExecuteAsync(new RecordPurchase.Request(
            t.StoreId, joined.CustomerId, null, 400_00, receipt, key))).Value;
        var (refundKey, adjustKey, secondKey) = ("refund-" + LedgerTestKit.NewKey(), "adjust-" + LedgerTestKit.NewKey(), "second-" + LedgerTestKit.NewKey());
        await scope.Get<RefundPurchase>().ExecuteAsync(new RefundPurchase.Request(purchase.PurchaseId, 10_00, "partial return", refundKey));
        await scope.Get<Web.Features.Ledger.AdjustBalance>().ExecuteAsync(new Web.Features.Ledger.AdjustBalance.Request(joined.CustomerId, 1_00, "goodwill", t.Owner.UserId, adjustKey));
        await scope.Get<RecordPurchase>().ExecuteAsync(new RecordPurchase.Request(t.StoreId, joined.CustomerId, null, 20_00, receipt + "-2", secondKey));
        await scope.Get<IssueVouchers>().ExecuteAsync(t.Id, DateTimeOffset.UtcNow);
        var voucher = await db.Vouchers.AsNoTracking().Where(v => v.CustomerId == joined.CustomerId).OrderBy(v => v.IssuedAt).FirstAsync();
        var apiKey = await scope.Get<CreateApiKey>().ExecuteAsync(new CreateApiKey.Request("POS " + slug, t.StoreId), AuditActor.System);

        var second = new Store { Name = $"{slug} second store", CreatedAt = now };
        db.Stores.Add(second);
        var webhook = new WebhookSubscription
        {
            Url = $"https://hooks.{slug}.example/receive", Events = [Web.Features.Ledger.Events.PurchaseRecorded], Secret = "whsec_seeded-" + slug,
            CreatedAt = now, CursorAt = now,
        };
        db.WebhookSubscriptions.Add(webhook);
        var delivery = new WebhookDelivery
        {
            SubscriptionId = webhook.Id, EventId = await db.OutboxEvents.Select(e => e.Id).FirstAsync(), EventType = Web.Features.Ledger.Events.PurchaseRecorded, Body = "{}",
            Status = DeliveryStatus.Failed, Attempts = 3, CreatedAt = now, NextAttemptAt = now, GiveUpAt = now, LastError = "HTTP 500",
        };
        db.WebhookDeliveries.Add(delivery);
        var message = new Message
        {
            Trigger = Triggers.CashbackEarned, SubjectId = purchase.PurchaseId, Channel = Channel.Email, CustomerId = joined.CustomerId,
            Status = MessageStatus.Failed, Recipient = email, Subject = "You earned", CreatedAt = now, NotBefore = now, Attempts = 3, Error = "SMTP down",
        };
        db.Messages.Add(message);
        var template = new MessageTemplate
        {
            Trigger = Triggers.Welcome, Channel = Channel.Email, Locale = "pt-BR", Subject = $"Welcome to {slug}", Body = $"<p>Hello from {slug}</p>",
            UpdatedAt = now,
        };
        db.MessageTemplates.Add(template);
        var flag = new AnomalyFlag
        {
            Kind = AnomalyKind.Burst, SubjectKey = $"customer:{joined.CustomerId}", CustomerId = joined.CustomerId, StoreId = t.StoreId,
            Summary = $"Burst at {slug}", CreatedAt = now, LastSeenAt = now,
        };
        db.AnomalyFlags.Add(flag);
        var invitation = new StaffInvitation
        {
            Email = $"invited@{slug}.test", Role = StaffRole.Cashier, StoreId = t.StoreId, TokenHash = Convert.ToHexString(Guid.NewGuid().ToByteArray()) + new string('0', 32),
            CreatedAt = now, ExpiresAt = now.AddDays(7),
        };
        db.StaffInvitations.Add(invitation);
        await db.SaveChangesAsync();

        var card = await db.Customers.AsNoTracking().Where(c => c.Id == joined.CustomerId).Select(c => c.CardCode).SingleAsync();
        var cashier = await db.Memberships.AsNoTracking().Where(m => m.Role == StaffRole.Cashier).Select(m => m.Id).SingleAsync();
        var challenge = await scope.Get<Web.Features.Challenges.SaveChallenge>().ExecuteAsync(new Web.Features.Challenges.SaveChallenge.Request(
            null, "Challenge " + slug, null, Web.Features.Challenges.ChallengeKind.FirstPurchaseAtStore, 1, second.Id,
            // From yesterday (UTC): running today in any tenant's time zone (a start on today's UTC date has not begun in
            // São Paulo between midnight and 3 a.m. UTC, and the portal showed no challenge then).
            DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1), DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30), 5_00), AuditActor.System);
        var tag = await scope.Get<Web.Features.Segments.TagCustomer>().ExecuteAsync(joined.CustomerId, "Tag " + slug, AuditActor.System);
        var campaign = await scope.Get<Web.Features.Campaigns.SaveCampaign>().ExecuteAsync(new Web.Features.Campaigns.SaveCampaign.Request(
            "Campaign " + slug, $"tag:{tag.Id}", true, false, "Hello {{ first_name }}", "Hello {{ first_name }}", null, null, null, 10, 0,
            Web.Features.Campaigns.Campaign.NoMultiplier, null, null, 30), AuditActor.System);
        return new SeededTenant(t, joined.CustomerId, name, email, phone, cpf, card, joined.ReferralCode, purchase.PurchaseId, receipt, key,
            voucher.Id, voucher.Code, apiKey.Key, apiKey.Id, webhook.Id, delivery.Id, message.Id, template.Id, flag.Id, invitation.Id, cashier, second.Id,
            refundKey, adjustKey, secondKey, challenge.Id, tag.Id, campaign.Id);
    }

    /// <summary>An API client of <paramref name="factory"/> sending <paramref name="key"/> as its bearer token.</summary>
    public static HttpClient ApiClient(this WebApplicationFactory<Program> factory, string? key)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
        if (key is not null) client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Signs a member into their portal with a code planted in the database (what SendSignInCode stores).</summary>
    public static async Task<FormClient> PortalClientAsync(DatabaseFixture fixture, SeededTenant t, FormClient? client = null)
    {
        await using (var scope = fixture.CreateScope(t.Id))
        {
            scope.Db.SignInCodes.Add(new SignInCode
            {
                CustomerId = t.CustomerId, Purpose = CodePurpose.SignIn, CodeHash = SendSignInCode.Hash(t.Id, t.CustomerId, "424242"),
                SentTo = "m***@test", CreatedAt = DateTimeOffset.UtcNow, ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(10),
            });
            await scope.Db.SaveChangesAsync();
        }
        client ??= fixture.CreateFormClient();
        using var response = await client.SubmitAsync($"/{t.Slug}/signin",
            new Dictionary<string, string> { ["Identifier"] = t.Email, ["Code"] = "424242" }, $"/{t.Slug}/signin?handler=Verify");
        response.StatusCode.Should().Be(HttpStatusCode.Redirect, "the member signs in with the planted code");
        return client;
    }

    public static async Task<string> BodyAsync(this HttpResponseMessage response) => await response.Content.ReadAsStringAsync();

    public static string Json(object o) => JsonSerializer.Serialize(o, JsonSerializerOptions.Web);
}
