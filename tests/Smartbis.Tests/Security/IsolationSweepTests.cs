using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using FluentAssertions.Execution;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Smartbis.Tests.Infrastructure;

namespace Smartbis.Tests.Security;

public sealed class IsolationSweepFixture : DatabaseFixture;

/// <summary>
/// The isolation sweep: every Razor Page handler and every endpoint is enumerated from the running app, and every
/// input of theirs that carries an id or a code (route parameters, handler parameters, bound properties, API query
/// and body fields) must have a probe below: tenant A's staff, API key or member sends tenant B's real identifier,
/// gets 404 (or the page's documented answer: a redirect, the form with a field error), and not one of B's rows changes.
/// A new input that takes an id fails <see cref="Every_input_that_takes_an_id_or_code_has_a_probe"/> until it gets a probe
/// (or a stated reason why it is not a tenant's identifier).
/// </summary>
public sealed partial class IsolationSweepTests(IsolationSweepFixture fixture) : IClassFixture<IsolationSweepFixture>
{
    /// <summary>Every route parameter name the app uses. A new one fails the test until it is looked at and listed.</summary>
    private static readonly Dictionary<string, string> KnownRouteParameters = new()
    {
        ["id"] = "a customer, purchase, store, … id: probed",
        ["code"] = "a voucher code (API) or an HTTP status code (error page): probed / listed",
        ["token"] = "bearer tokens (invitation, unsubscribe link): listed below",
        ["tenant"] = "the portal's tenant slug: probed",
        ["documentName"] = "the OpenAPI document name (v1): not tenant data",
        ["path"] = "the Hangfire dashboard's own paths (operators only): not tenant data",
        ["rewardId"] = "a reward of the catalogue (API redemption): probed",
    };

    /// <summary>Inputs whose name looks like an identifier but that are not another tenant's identifier, each with the reason.</summary>
    private static readonly Dictionary<string, string> NotTenantIdentifiers = new()
    {
        ["POST /app/categories?handler=Save Input.Code"] = "the code the merchant gives its own category (unique in the tenant), not an identifier of a row",
        ["POST /app/categories?handler=Delete Input.Code"] = "bound by the page's model but not read by Delete (the id is, probed above)",
        ["GET /admin/mailbox id"] = "a file name in the development mailbox, operators only (tenant staff get 403)",
        ["GET /admin/tenants/{id:guid} id"] = "a tenant id: the operator's console reads every tenant by design; operators only (tenant staff get 403: OperatorConsoleTests)",
        ["POST /admin/tenants/{id:guid}?handler=Suspend id"] = "a tenant id: operators suspend any tenant by design; operators only (tenant staff get 403: OperatorConsoleTests)",
        ["POST /admin/tenants/{id:guid}?handler=Reactivate id"] = "a tenant id: operators reactivate any tenant by design; operators only",
        ["POST /admin/tenants/{id:guid}?handler=Plan id"] = "a tenant id: operators change any tenant's plan by design; operators only",
        ["POST /admin/plans Input.Code"] = "a plan's code: plans are platform reference data, edited by operators only (tenant staff get 403)",
        ["POST /admin/upgrades?handler=Approve requestId"] = "operators only (tenant staff get 403): an operator decides any tenant's request, named with its tenant",
        ["POST /admin/upgrades?handler=Approve tenantId"] = "operators only (tenant staff get 403): the tenant whose request the operator decides",
        ["POST /admin/upgrades?handler=Refuse requestId"] = "operators only (tenant staff get 403): an operator decides any tenant's request, named with its tenant",
        ["POST /admin/upgrades?handler=Refuse tenantId"] = "operators only (tenant staff get 403): the tenant whose request the operator decides",
        ["POST /app/plan?handler=Request PlanCode"] = "a plan's code from the public price list, not a tenant's identifier",
        ["POST /signup Input.PlanCode"] = "a plan's code from the public price list, not a tenant's identifier",
        ["GET /signup?handler=CheckSlug slug"] = "answers whether a public URL slug is free; slugs are public by design",
        ["GET /signup/invite/{token} token"] = "a bearer token mailed to the invitee; holding it is the authorization (hashed in the database)",
        ["POST /signup/invite/{token} token"] = "a bearer token mailed to the invitee; holding it is the authorization (hashed in the database)",
        ["GET /unsubscribe/{token} token"] = "an HMAC-signed link naming tenant and customer; holding it is the authorization (RFC 8058)",
        ["POST /unsubscribe/{token} token"] = "an HMAC-signed link naming tenant and customer; holding it is the authorization (RFC 8058)",
        ["GET /{tenant} tenant"] = "B's public program page: public by design",
        ["GET /{tenant}/join tenant"] = "B's public join form: public by design",
        ["POST /{tenant}/join tenant"] = "anyone may join B's program: it creates B's member on purpose (portal tests cover it)",
        ["GET /{tenant}/signin tenant"] = "B's public sign-in form: public by design",
        ["POST /{tenant}/signin?handler=Verify Code"] = "the one-time code the member types; checked only against the member found in this tenant",
        ["POST /{tenant}/preferences Code"] = "the deletion one-time code; only read by the Delete handler, against the signed-in member",
        ["POST /{tenant}/preferences?handler=SendDeleteCode Code"] = "the deletion one-time code; only read by the Delete handler",
        ["POST /{tenant}/preferences?handler=Delete Code"] = "the deletion one-time code, checked against the signed-in member of this tenant",
        ["POST /counter?handler=Purchase Purchase.OneTimeCode"] = "the customer's one-time code, checked against the selected customer of this tenant",
        ["POST /counter?handler=SendCode Purchase.OneTimeCode"] = "bound on every POST; SendCode does not read it",
        ["POST /counter?handler=Enrol Purchase.OneTimeCode"] = "bound on every POST; Enrol does not read it",
        ["POST /{tenant}/signin?handler=Send Code"] = "bound on every POST; Send does not read it",
        ["POST /app/automations/settings Input.WhatsAppPhoneNumberId"] = "A's own WhatsApp Cloud API phone-number id, typed by A's owner and stored for A; never looked up",
        ["POST /app/automations/settings Input.WhatsAppToken"] = "A's own WhatsApp access token, typed by A's owner and stored (encrypted) for A",
        ["POST /app/automations/settings?handler=TestWhatsApp Input.WhatsAppPhoneNumberId"] = "bound on every POST; the test send uses the stored settings",
        ["POST /app/automations/settings?handler=TestWhatsApp Input.WhatsAppToken"] = "bound on every POST; the test send uses the stored settings",
        ["POST /counter?handler=Store SelectedId"] = "bound on every request (SupportsGet); Store does not read it",
        ["POST /counter?handler=Purchase SelectedId"] = "bound on every request; Purchase overwrites it with the card of Purchase.CustomerId (probed)",
        ["POST /counter?handler=SendCode SelectedId"] = "bound on every request; SendCode overwrites it with the card of Purchase.CustomerId (probed)",
        ["POST /counter?handler=Store Purchase.OneTimeCode"] = "bound on every POST; Store does not read it",
        ["POST /counter?handler=Store Purchase.CustomerId"] = "bound on every POST; Store does not read it",
        ["POST /counter?handler=Store Purchase.VoucherCode"] = "bound on every POST; Store does not read it",
        ["POST /counter?handler=Store Purchase.IdempotencyKey"] = "bound on every POST; Store does not read it",
        ["POST /counter?handler=Store Enrol.ReferralCode"] = "bound on every POST; Store does not read it",
        ["POST /counter?handler=Purchase Enrol.ReferralCode"] = "bound on every POST; Purchase does not read it",
        ["POST /counter?handler=SendCode Enrol.ReferralCode"] = "bound on every POST; SendCode does not read it",
        ["POST /counter?handler=SendCode Purchase.IdempotencyKey"] = "bound on every POST; SendCode does not read it (no purchase is recorded)",
        ["POST /counter?handler=Enrol Purchase.CustomerId"] = "bound on every POST; Enrol does not read it",
        ["POST /counter?handler=Enrol Purchase.VoucherCode"] = "bound on every POST; Enrol does not read it",
        ["POST /counter?handler=Enrol Purchase.IdempotencyKey"] = "bound on every POST; Enrol makes a fresh key for the form it shows again",
        ["POST /counter?handler=Enrol Enrol.IdempotencyKey"] = "the enrol form's own idempotency key, claimed in this tenant's namespace only (the stored key holds the tenant id)",
        ["POST /counter?handler=Purchase Enrol.IdempotencyKey"] = "bound on every POST; Purchase does not read it",
        ["POST /counter?handler=SendCode Enrol.IdempotencyKey"] = "bound on every POST; SendCode does not read it",
        ["POST /counter?handler=Store Enrol.IdempotencyKey"] = "bound on every POST; Store does not read it",
        ["POST /app/integrations?handler=CreateWebhook Key.StoreId"] = "bound on every POST; only CreateKey reads it",
        ["POST /app/integrations?handler=RevokeKey Key.StoreId"] = "bound on every POST; only CreateKey reads it",
        ["POST /app/integrations?handler=DisableWebhook Key.StoreId"] = "bound on every POST; only CreateKey reads it",
        ["POST /app/integrations?handler=Redeliver Key.StoreId"] = "bound on every POST; only CreateKey reads it",
        ["POST /app/staff?handler=Update Invite.StoreId"] = "bound on every POST; only Invite reads it (Update's store is its storeId parameter)",
        ["POST /app/staff?handler=Remove Invite.StoreId"] = "bound on every POST; only Invite reads it",
        ["POST /app/staff?handler=Revoke Invite.StoreId"] = "bound on every POST; only Invite reads it",
        ["POST /app/customers/{id:guid}?handler=Block Adjust.IdempotencyKey"] = "bound on every POST; only Adjust reads it",
        ["POST /app/customers/{id:guid}?handler=Tag Adjust.IdempotencyKey"] = "bound on every POST; only Adjust reads it",
        ["POST /app/customers/{id:guid}?handler=Untag Adjust.IdempotencyKey"] = "bound on every POST; only Adjust reads it",
    };

    private sealed record Input(string Endpoint, string Name, Type Type)
    {
        public string Key => $"{Endpoint} {Name}";
    }

    [Fact]
    public void Every_input_that_takes_an_id_or_code_has_a_probe()
    {
        var routeParameters = AllRouteParameters().ToList();
        routeParameters.Should().NotBeEmpty();
        routeParameters.Where(p => !KnownRouteParameters.ContainsKey(p.Name)).Select(p => $"{p.Endpoint} {{{p.Name}}}")
            .Should().BeEmpty("every route parameter must be known (listed in KnownRouteParameters after adding probes for it)");

        var inputs = IdentifierInputs().Select(i => i.Key).Distinct().Order().ToList();
        inputs.Should().Contain(["GET /app/customers/{id:guid} id", "POST /api/v1/purchases/ body.customer.id", "GET /api/v1/vouchers/{code} code"],
            "the enumeration must reach pages, handler parameters and API bodies");
        var probes = ProbeKeys();
        inputs.Where(k => !probes.Contains(k) && !NotTenantIdentifiers.ContainsKey(k))
            .Should().BeEmpty("each input that takes an id or code needs a probe with another tenant's identifier (or a stated reason)");
        probes.Concat(NotTenantIdentifiers.Keys).Where(k => !inputs.Contains(k))
            .Should().BeEmpty("every probe and listed reason must still match an input of the app (stale entries hide renames)");
    }

    [Fact]
    public async Task Tenant_As_staff_key_and_member_with_tenant_Bs_identifiers_get_404_and_Bs_rows_never_change()
    {
        var a = await SecurityKit.SeedAsync(fixture, "sweep-a");
        var b = await SecurityKit.SeedAsync(fixture, "sweep-b");
        // Both run points programs with a reward; B's member has redeemed it twice (counter and portal), A's has not.
        var aRewards = await SecurityKit.SeedRewardsAsync(fixture, a, redeem: false);
        var bRewards = await SecurityKit.SeedRewardsAsync(fixture, b);
        var none = new Dictionary<string, string>();
        // What a visitor of B's public sign-in page leaves in B by design, whoever they are: the per-client attempt
        // counters and a decoy code for an identifier that is no member of B (so the page does not tell who is one).
        // B's members' own codes stay in the comparison.
        var visitorRows = new Dictionary<string, string> { ["attempt_counters"] = "true", ["portal_sign_in_codes"] = "customer_id IS NULL" };
        var beforeB = await DbSnapshot.OfTenantAsync(fixture, b.Id, visitorRows);
        beforeB["customers"].Rows.Should().BeGreaterThan(0, "the snapshot must see B's rows, or comparing it proves nothing");
        foreach (var t in new[] { "purchases", "vouchers", "api_keys", "webhook_subscriptions", "messages", "message_templates", "anomaly_flags", "staff_invitations",
                     "rewards", "reward_claims" })
            beforeB[t].Rows.Should().BeGreaterThan(0, $"B must have {t} for the sweep to try");
        // A's own rows may change (a purchase recorded under B's idempotency key is A's purchase): the second snapshot leaves them out.
        var beforeOthers = await DbSnapshot.OfDatabaseAsync(fixture, none, none, exceptTenant: a.Id, visitorRows);

        var ctx = await Context.CreateAsync(fixture, a, b);
        ctx.AR = aRewards;
        ctx.BR = bRewards;
        var probes = Probes(ctx);
        using (new AssertionScope())
        {
            foreach (var (key, probe) in probes)
            {
                try { await probe(); }
                catch (Exception e) when (e is not Xunit.Sdk.XunitException) { AssertionScope.Current.FailWith("{0} threw {1}", key, e.ToString()); }
            }
        }

        var afterB = await DbSnapshot.OfTenantAsync(fixture, b.Id, visitorRows);
        DbSnapshot.Differences(beforeB, afterB).Should().BeEmpty("no probe may change one of B's rows");
        var afterOthers = await DbSnapshot.OfDatabaseAsync(fixture, none, none, exceptTenant: a.Id, visitorRows);
        DbSnapshot.Differences(beforeOthers, afterOthers).Should().BeEmpty("A's probes may change A's own rows, nothing else");
    }

    /// <summary>The probes, keyed like the enumerated inputs. Each sends B's identifier as A and asserts the answer.</summary>
    private static Dictionary<string, Func<Task>> Probes(Context c)
    {
        var (a, b) = (c.A, c.B);
        var p = new Dictionary<string, Func<Task>>();
        Guid NewKeyGuid() => Guid.NewGuid();

        // Dashboard
        p["GET /app/customers/{id:guid} id"] = () => c.StaffGet($"/app/customers/{b.CustomerId}", HttpStatusCode.NotFound);
        p["POST /app/customers/{id:guid}?handler=Adjust id"] = () => c.StaffPost($"/app/customers/{b.CustomerId}?handler=Adjust",
            new() { ["Adjust.Amount"] = "10", ["Adjust.Direction"] = "credit", ["Adjust.Reason"] = "hijack", ["Adjust.IdempotencyKey"] = NewKeyGuid().ToString("N") },
            HttpStatusCode.NotFound);
        p["POST /app/customers/{id:guid}?handler=Block id"] = () => c.StaffPost($"/app/customers/{b.CustomerId}?handler=Block", new() { ["block"] = "true" }, HttpStatusCode.NotFound);
        p["POST /app/customers/{id:guid}?handler=Adjust Adjust.IdempotencyKey"] = async () =>
        {
            // B's adjustment key used for an adjustment of A's own member: A's own new adjustment, never a replay of B's result.
            using var r = await c.Staff.PostAsync($"/app/customers/{a.CustomerId}?handler=Adjust",
                new Dictionary<string, string> { ["Adjust.Amount"] = "1", ["Adjust.Direction"] = "credit", ["Adjust.Reason"] = "goodwill", ["Adjust.IdempotencyKey"] = b.AdjustKey },
                c.StaffToken);
            r.StatusCode.Should().Be(HttpStatusCode.Redirect, "A's adjustment with a key B used is A's own");
            (await c.ADb(db => db.LedgerEntries.CountAsync(e => e.CustomerId == a.CustomerId && e.Kind == Web.Features.Ledger.EntryKind.Adjustment)))
                .Should().Be(2, "the seeded adjustment and this one, both in A");
        };
        var challengeForm = new Dictionary<string, string>
        {
            ["Input.Name"] = "Hijacked", ["Input.Kind"] = "PurchaseCount", ["Input.Target"] = "1", ["Input.StartsOn"] = "2026-01-01",
            ["Input.EndsOn"] = "2026-01-31", ["Input.Bonus"] = "1,00",
        };
        p["GET /app/challenges/{id} id"] = () => c.StaffGet($"/app/challenges/{b.ChallengeId}", HttpStatusCode.NotFound);
        p["POST /app/challenges/{id} id"] = () => c.StaffPost($"/app/challenges/{b.ChallengeId}", challengeForm, HttpStatusCode.NotFound);
        p["POST /app/challenges?handler=End id"] = () => c.StaffPost($"/app/challenges?handler=End&id={b.ChallengeId}", new(), HttpStatusCode.NotFound);
        // B's store in A's new challenge: refused on the field (200 with the form again), nothing created in B.
        p["POST /app/challenges/{id} Input.StoreId"] = () => c.StaffPost("/app/challenges/new",
            new Dictionary<string, string>(challengeForm) { ["Input.StoreId"] = b.SecondStoreId.ToString() }, HttpStatusCode.OK);
        Task<Guid> BCategory() => c.BDb(db => db.ProductCategories.Where(x => x.Code == "general").Select(x => x.Id).SingleAsync());
        p["POST /app/categories?handler=Save id"] = async () => await c.StaffPost($"/app/categories?handler=Save&id={await BCategory()}",
            new() { ["Input.Code"] = "hijacked", ["Input.NamePt"] = "x", ["Input.NameEn"] = "x" }, HttpStatusCode.NotFound);
        p["POST /app/categories?handler=Delete id"] = async () => await c.StaffPost($"/app/categories?handler=Delete&id={await BCategory()}", new(), HttpStatusCode.NotFound);
        // Segments, tags and campaigns: B's tag and campaign are not found from A (the list filter ignores B's tag).
        p["GET /app/campaigns/{id:guid} id"] = () => c.StaffGet($"/app/campaigns/{b.CampaignId}", HttpStatusCode.NotFound);
        p["GET /app/campaigns/{id:guid}/edit id"] = () => c.StaffGet($"/app/campaigns/{b.CampaignId}/edit", HttpStatusCode.NotFound);
        p["POST /app/campaigns/{id:guid}/edit id"] = () => c.StaffPost($"/app/campaigns/{b.CampaignId}/edit",
            new() { ["Input.Name"] = "Hijacked", ["Input.Audience"] = "segment:Active", ["Input.Email"] = "true" }, HttpStatusCode.NotFound);
        p["POST /app/campaigns/{id:guid}?handler=Launch id"] = () => c.StaffPost($"/app/campaigns/{b.CampaignId}?handler=Launch", new(), HttpStatusCode.NotFound);
        p["POST /app/campaigns/{id:guid}?handler=Cancel id"] = () => c.StaffPost($"/app/campaigns/{b.CampaignId}?handler=Cancel", new(), HttpStatusCode.NotFound);
        p["POST /app/campaigns/{id:guid}?handler=Test id"] = () => c.StaffPost($"/app/campaigns/{b.CampaignId}?handler=Test", new(), HttpStatusCode.NotFound);
        p["POST /app/customers/{id:guid}?handler=Tag id"] = () => c.StaffPost($"/app/customers/{b.CustomerId}?handler=Tag", new() { ["tag"] = "x" }, HttpStatusCode.NotFound);
        p["POST /app/customers/{id:guid}?handler=Untag id"] = () => c.StaffPost($"/app/customers/{b.CustomerId}?handler=Untag", new() { ["tagId"] = a.TagId.ToString() }, HttpStatusCode.NotFound);
        p["POST /app/customers/{id:guid}?handler=Untag tagId"] = () => c.StaffPost($"/app/customers/{a.CustomerId}?handler=Untag", new() { ["tagId"] = b.TagId.ToString() }, HttpStatusCode.NotFound);
        p["GET /app/stores/{id} id"] = () => c.StaffGet($"/app/stores/{b.StoreId}", HttpStatusCode.NotFound);
        p["POST /app/stores/{id} id"] = () => c.StaffPost($"/app/stores/{b.StoreId}", new() { ["Input.Name"] = "Hijacked", ["Input.Active"] = "false" }, HttpStatusCode.NotFound);
        p["GET /App/Index Store"] = async () =>
        {
            var html = await c.StaffGet($"/app?store={b.StoreId}", HttpStatusCode.OK);
            html.Should().NotContain(b.Slug + " main store", "the overview falls back to A's whole business and never names B's store");
        };
        p["POST /app/staff?handler=Update id"] = () => c.StaffPost($"/app/staff?handler=Update&id={b.CashierMembershipId}", new() { ["role"] = "Owner" }, HttpStatusCode.NotFound);
        p["POST /app/staff?handler=Update storeId"] = async () =>
        {
            var aCashier = await c.ADb(db => db.Memberships.Where(m => m.Role == Web.Features.Tenancy.StaffRole.Cashier).Select(m => m.Id).SingleAsync());
            await c.StaffPost($"/app/staff?handler=Update&id={aCashier}", new() { ["role"] = "Cashier", ["storeId"] = b.StoreId.ToString() }, HttpStatusCode.NotFound);
            (await c.ADb(db => db.Memberships.Where(m => m.Id == aCashier).Select(m => m.StoreId).SingleAsync())).Should().Be(a.StoreId, "A's cashier keeps A's store");
        };
        p["POST /app/staff?handler=Remove id"] = () => c.StaffPost($"/app/staff?handler=Remove&id={b.CashierMembershipId}", new(), HttpStatusCode.NotFound);
        p["POST /app/staff?handler=Revoke id"] = () => c.StaffPost($"/app/staff?handler=Revoke&id={b.InvitationId}", new(), HttpStatusCode.NotFound);
        p["POST /app/staff?handler=Invite Invite.StoreId"] = async () =>
        {
            var html = await c.StaffPost("/app/staff?handler=Invite",
                new() { ["Invite.Email"] = "newcashier@sweep-a.test", ["Invite.Role"] = "Cashier", ["Invite.StoreId"] = b.StoreId.ToString() }, HttpStatusCode.OK);
            html.Should().Contain("field-validation-error", "the form shows the store as wrong");
            (await c.ADb(db => db.StaffInvitations.CountAsync(i => i.Email == "newcashier@sweep-a.test"))).Should().Be(0);
        };
        p["POST /app/integrations?handler=CreateKey Key.StoreId"] = async () =>
        {
            var html = await c.StaffPost("/app/integrations?handler=CreateKey", new() { ["Key.Name"] = "sweep", ["Key.StoreId"] = b.StoreId.ToString() }, HttpStatusCode.OK);
            html.Should().Contain("field-validation-error", "the form shows the store as wrong");
            (await c.ADb(db => db.ApiKeys.CountAsync(k => k.Name == "sweep"))).Should().Be(0);
        };
        p["POST /app/integrations?handler=RevokeKey id"] = () => c.StaffPost($"/app/integrations?handler=RevokeKey&id={b.ApiKeyId}", new(), HttpStatusCode.NotFound);
        p["POST /app/integrations?handler=DisableWebhook id"] = () => c.StaffPost($"/app/integrations?handler=DisableWebhook&id={b.WebhookId}", new(), HttpStatusCode.NotFound);
        p["POST /app/integrations?handler=Redeliver id"] = () => c.StaffPost($"/app/integrations?handler=Redeliver&id={b.DeliveryId}", new(), HttpStatusCode.NotFound);
        p["POST /app/anomalies?handler=Review id"] = () => c.StaffPost($"/app/anomalies?handler=Review&id={b.AnomalyId}", new() { ["Note"] = "x" }, HttpStatusCode.NotFound);
        p["POST /app/automations/log?handler=Retry id"] = () => c.StaffPost($"/app/automations/log?handler=Retry&id={b.MessageId}", new(), HttpStatusCode.NotFound);
        p["POST /app/switch tenantId"] = () => c.StaffPost("/app/switch", new() { ["tenantId"] = b.Id.ToString() }, HttpStatusCode.NotFound);
        p["POST /signup Input.Slug"] = async () =>
        {
            var html = await c.AnonymousPost("/signup", new()
            {
                ["Input.BusinessName"] = "Copycat", ["Input.Slug"] = b.Slug, ["Input.OwnerName"] = "Copy Cat", ["Input.Email"] = "copycat@sweep.test",
                ["Input.Password"] = "a-long-enough-password", ["Input.RewardType"] = "cashback", ["Input.EarnRatePercent"] = "5", ["Input.CurrencyName"] = "Cashback",
            }, HttpStatusCode.OK);
            html.Should().Contain("field-validation-error", "B's slug is taken");
        };

        // Counter (A's owner, at A's store)
        p["GET /counter SelectedId"] = () => c.StaffGet($"/counter?c={b.CustomerId}", HttpStatusCode.NotFound);
        p["GET /counter?handler=MaxCashback SelectedId"] = () => c.StaffGet($"/counter?handler=MaxCashback&c={b.CustomerId}&amount=10,00", HttpStatusCode.NotFound);
        p["POST /counter?handler=Store storeId"] = () => c.StaffPost("/counter?handler=Store", new() { ["storeId"] = b.StoreId.ToString() }, HttpStatusCode.NotFound);
        p["POST /counter?handler=Purchase Purchase.CustomerId"] = () => c.StaffPost("/counter?handler=Purchase",
            Purchase(b.CustomerId, NewKeyGuid().ToString("N")), HttpStatusCode.NotFound);
        p["POST /counter?handler=Purchase Purchase.VoucherCode"] = async () =>
        {
            var html = await c.StaffPost("/counter?handler=Purchase", Purchase(a.CustomerId, NewKeyGuid().ToString("N"), voucher: b.VoucherCode), HttpStatusCode.OK);
            html.Should().Contain("field-validation-error", "an unknown voucher code is a field error");
        };
        p["POST /counter?handler=Purchase Purchase.IdempotencyKey"] = async () =>
        {
            using var r = await c.Staff.PostAsync("/counter?handler=Purchase", Purchase(a.CustomerId, b.PurchaseKey), c.StaffToken);
            r.StatusCode.Should().Be(HttpStatusCode.Redirect, await Errors(r));
            r.Headers.Location!.ToString().Should().StartWith("/counter/receipt/").And.NotContain(b.PurchaseId.ToString(), "B's key in A is A's own new purchase");
        };
        p["POST /counter?handler=SendCode Purchase.CustomerId"] = () => c.StaffPost("/counter?handler=SendCode",
            Purchase(b.CustomerId, NewKeyGuid().ToString("N"), cashback: "5,00"), HttpStatusCode.NotFound);
        p["POST /counter?handler=SendCode Purchase.VoucherCode"] = async () =>
        {
            // B's voucher reads as no voucher: the code asked for covers only the cashback typed.
            await c.StaffPost("/counter?handler=SendCode", Purchase(a.CustomerId, NewKeyGuid().ToString("N"), cashback: "1,00", voucher: b.VoucherCode), HttpStatusCode.OK);
            (await c.ADb(db => db.RedemptionCodes.Where(x => x.CustomerId == a.CustomerId).OrderByDescending(x => x.CreatedAt).Select(x => x.MaxAmountCents).FirstAsync()))
                .Should().Be(1_00, "B's voucher value never counts in A");
        };
        p["POST /counter?handler=Enrol SelectedId"] = async () =>
        {
            // A refused enrolment shows the form again; B's customer given as the selected card is not shown.
            var html = await c.StaffPost($"/counter?handler=Enrol&c={b.CustomerId}", new() { ["Enrol.Name"] = "", ["Enrol.Phone"] = "12" }, HttpStatusCode.OK);
            html.Should().NotContain(b.CustomerName).And.Contain("field-validation-error");
        };
        p["POST /counter?handler=Enrol Enrol.ReferralCode"] = async () =>
        {
            var html = await c.StaffPost("/counter?handler=Enrol", new()
            {
                ["Enrol.Name"] = "Referred", ["Enrol.Phone"] = Features.LedgerTestKit.NewPhone(), ["Enrol.ReferralCode"] = b.ReferralCode,
            }, HttpStatusCode.OK);
            html.Should().Contain("field-validation-error", "B's referral code is unknown in A");
            (await c.ADb(db => db.Customers.CountAsync(x => x.Name == "Referred"))).Should().Be(0);
        };
        p["GET /counter/refund/{id:guid} id"] = () => c.StaffGet($"/counter/refund/{b.PurchaseId}", HttpStatusCode.NotFound);
        p["POST /counter/refund/{id:guid} id"] = () => c.StaffPost($"/counter/refund/{b.PurchaseId}",
            new() { ["Input.Amount"] = "1,00", ["Input.Reason"] = "x", ["Input.IdempotencyKey"] = NewKeyGuid().ToString("N") }, HttpStatusCode.NotFound);
        p["POST /counter/refund/{id:guid} Input.IdempotencyKey"] = async () =>
        {
            var aPurchase = await c.ADb(db => db.Purchases.Where(x => x.CustomerId == a.CustomerId).OrderBy(x => x.CreatedAt).Select(x => x.Id).FirstAsync());
            using var r = await c.Staff.PostAsync($"/counter/refund/{aPurchase}",
                new Dictionary<string, string> { ["Input.Amount"] = "1,00", ["Input.Reason"] = "returned", ["Input.IdempotencyKey"] = b.RefundKey }, c.StaffToken);
            r.StatusCode.Should().Be(HttpStatusCode.Redirect, "A's refund under a key B used is A's own refund: {0}", await Errors(r));
        };
        p["GET /counter/receipt/{id:guid} id"] = () => c.StaffGet($"/counter/receipt/{b.PurchaseId}", HttpStatusCode.NotFound);

        // Portal: A's signed-in member, on B's portal
        p["GET /{tenant}/home tenant"] = () => c.PortalGetRedirect($"/{b.Slug}/home", $"/{b.Slug}/signin");
        p["GET /{tenant}/referrals tenant"] = () => c.PortalGetRedirect($"/{b.Slug}/referrals", $"/{b.Slug}/signin");
        p["GET /{tenant}/preferences tenant"] = () => c.PortalGetRedirect($"/{b.Slug}/preferences", $"/{b.Slug}/signin");
        p["GET /{tenant}/preferences?handler=Download tenant"] = () => c.PortalGetRedirect($"/{b.Slug}/preferences?handler=Download", $"/{b.Slug}/signin");
        p["POST /{tenant}/preferences tenant"] = () => c.PortalPostRedirect($"/{b.Slug}/preferences", new() { ["EmailConsent"] = "false" }, $"/{b.Slug}/signin");
        p["POST /{tenant}/preferences?handler=SendDeleteCode tenant"] = () => c.PortalPostRedirect($"/{b.Slug}/preferences?handler=SendDeleteCode", new(), $"/{b.Slug}/signin");
        p["POST /{tenant}/preferences?handler=Delete tenant"] = () => c.PortalPostRedirect($"/{b.Slug}/preferences?handler=Delete", new() { ["Code"] = "123456" }, $"/{b.Slug}/signin");
        p["GET /{tenant}/signout tenant"] = async () => (await c.Portal.GetAsync($"/{b.Slug}/signout")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        p["POST /{tenant}/signout tenant"] = async () =>
        {
            using var r = await c.Portal.PostAsync($"/{b.Slug}/signout", [], c.PortalToken);
            r.StatusCode.Should().Be(HttpStatusCode.Redirect);
            (await c.Portal.GetAsync($"/{a.Slug}/home")).StatusCode.Should().Be(HttpStatusCode.OK, "signing out of B's portal leaves A's session alone");
        };
        p["POST /{tenant}/signin?handler=Send tenant"] = async () =>
        {
            var html = await c.PortalPost($"/{b.Slug}/signin?handler=Send", new() { ["Identifier"] = a.Email }, HttpStatusCode.OK);
            html.Should().Contain("field-validation-error", "A's member is not a member of B");
        };
        p["POST /{tenant}/signin?handler=Verify tenant"] = async () =>
        {
            var html = await c.PortalPost($"/{b.Slug}/signin?handler=Verify", new() { ["Identifier"] = a.Email, ["Code"] = "424242" }, HttpStatusCode.OK);
            html.Should().Contain("field-validation-error");
        };
        p["GET /{tenant} ref"] = async () =>
            (await c.AnonymousGet($"/{a.Slug}?ref={b.ReferralCode}", HttpStatusCode.OK)).Should().NotContain(b.CustomerName, "B's referrer is never named in A");
        p["GET /{tenant}/join ref"] = async () =>
            (await c.AnonymousGet($"/{a.Slug}/join?ref={b.ReferralCode}", HttpStatusCode.OK)).Should().NotContain(b.CustomerName, "B's referrer is never named in A");
        p["POST /{tenant}/join Input.ReferralCode"] = async () =>
        {
            var anon = c.NewAnonymous();
            using var r = await anon.SubmitAsync($"/{a.Slug}/join", new Dictionary<string, string>
            {
                ["Input.Name"] = "Referred Joiner", ["Input.Email"] = "joiner@sweep.test", ["Input.AcceptTerms"] = "true", ["Input.ReferralCode"] = b.ReferralCode,
            });
            var html = await r.BodyAsync();
            r.StatusCode.Should().Be(HttpStatusCode.OK, html);
            html.Should().Contain("field-validation-error", "B's referral code is unknown in A");
            (await c.ADb(db => db.Customers.CountAsync(x => x.Email == "joiner@sweep.test"))).Should().Be(0);
        };

        // API, with A's key (bound to A's store)
        p["GET /api/v1/customers/{id:guid} id"] = () => c.ApiExpect(HttpMethod.Get, $"/api/v1/customers/{b.CustomerId}", null, HttpStatusCode.NotFound);
        p["GET /api/v1/customers/{id:guid}/entries id"] = () => c.ApiExpect(HttpMethod.Get, $"/api/v1/customers/{b.CustomerId}/entries", null, HttpStatusCode.NotFound);
        p["GET /api/v1/customers/lookup cardCode"] = async () =>
        {
            await c.ApiExpect(HttpMethod.Get, $"/api/v1/customers/lookup?cardCode={b.CardCode}", null, HttpStatusCode.NotFound);
            await c.ApiExpect(HttpMethod.Get, $"/api/v1/customers/lookup?phone={Uri.EscapeDataString(b.Phone)}", null, HttpStatusCode.NotFound);
            await c.ApiExpect(HttpMethod.Get, $"/api/v1/customers/lookup?email={Uri.EscapeDataString(b.Email)}", null, HttpStatusCode.NotFound);
            await c.ApiExpect(HttpMethod.Get, $"/api/v1/customers/lookup?cpf={b.Cpf}", null, HttpStatusCode.NotFound);
        };
        p["POST /api/v1/customers/ body.referralCode"] = () => c.ApiExpect(HttpMethod.Post, "/api/v1/customers/",
            new { name = "Referred by B", phone = Features.LedgerTestKit.NewPhone(), referralCode = b.ReferralCode }, HttpStatusCode.UnprocessableEntity, "referralCode");
        p["POST /api/v1/purchases/ body.customer.id"] = () => c.ApiExpect(HttpMethod.Post, "/api/v1/purchases/",
            new { customer = new { id = b.CustomerId }, amountCents = 10_00, receiptNumber = "SW-1" }, HttpStatusCode.NotFound);
        p["POST /api/v1/purchases/ body.customer.cardCode"] = () => c.ApiExpect(HttpMethod.Post, "/api/v1/purchases/",
            new { customer = new { cardCode = b.CardCode }, amountCents = 10_00, receiptNumber = "SW-2" }, HttpStatusCode.NotFound);
        p["POST /api/v1/purchases/ body.storeId"] = async () =>
        {
            await c.ApiExpect(HttpMethod.Post, "/api/v1/purchases/",
                new { customer = new { id = a.CustomerId }, amountCents = 10_00, receiptNumber = "SW-3", storeId = b.StoreId }, HttpStatusCode.Forbidden);
            await c.ApiExpect(HttpMethod.Post, "/api/v1/purchases/",
                new { customer = new { id = a.CustomerId }, amountCents = 10_00, receiptNumber = "SW-4", storeId = b.StoreId }, HttpStatusCode.NotFound, unbound: true);
        };
        p["POST /api/v1/purchases/ body.voucherCode"] = () => c.ApiExpect(HttpMethod.Post, "/api/v1/purchases/",
            new { customer = new { id = a.CustomerId }, amountCents = 100_00, receiptNumber = "SW-5", voucherCode = b.VoucherCode }, HttpStatusCode.NotFound);
        p["POST /api/v1/purchases/{id:guid}/refunds id"] = () => c.ApiExpect(HttpMethod.Post, $"/api/v1/purchases/{b.PurchaseId}/refunds",
            new { amountCents = 1_00, reason = "x" }, HttpStatusCode.NotFound);
        p["GET /api/v1/vouchers/{code} code"] = () => c.ApiExpect(HttpMethod.Get, $"/api/v1/vouchers/{b.VoucherCode}", null, HttpStatusCode.NotFound);
        p["POST /api/v1/vouchers/{code}/redeem code"] = () => c.ApiExpect(HttpMethod.Post, $"/api/v1/vouchers/{b.VoucherCode}/redeem", new { }, HttpStatusCode.NotFound);
        p["POST /api/v1/vouchers/{code}/redeem body.purchaseId"] = async () =>
        {
            // A's own voucher, said to pay for B's purchase: B's purchase is not there.
            await c.ApiExpect(HttpMethod.Post, $"/api/v1/vouchers/{a.VoucherCode}/redeem", new { purchaseId = b.PurchaseId }, HttpStatusCode.NotFound);
            (await c.ADb(db => db.Vouchers.Where(v => v.Id == a.VoucherId).Select(v => v.Status).SingleAsync()))
                .Should().Be(Web.Features.Vouchers.VoucherStatus.Issued, "a refused redemption leaves A's voucher as it was");
        };
        p["API Idempotency-Key header"] = async () =>
        {
            var r = await c.Api(HttpMethod.Post, "/api/v1/purchases/", new { customer = new { id = a.CustomerId }, amountCents = 10_00, receiptNumber = "SW-6" }, b.SecondPurchaseKey);
            var text = await r.BodyAsync();
            r.StatusCode.Should().Be(HttpStatusCode.Created, "B's key in A is A's own new purchase: {0}", text);
            text.Should().NotContain(b.PurchaseId.ToString());
        };
        // Reward catalogue (both tenants run points programs; B's member holds a claim of B's reward, still to be delivered)
        var rewardForm = new Dictionary<string, string>
        {
            ["Input.Name"] = "Hijacked reward", ["Input.CostPoints"] = "5", ["Input.Kind"] = "Product", ["Input.AllStores"] = "true", ["Input.ClaimDays"] = "30",
        };
        p["GET /app/rewards/{id} id"] = () => c.StaffGet($"/app/rewards/{c.BR.RewardId}", HttpStatusCode.NotFound);
        p["POST /app/rewards/{id} id"] = () => c.StaffPost($"/app/rewards/{c.BR.RewardId}", rewardForm, HttpStatusCode.NotFound);
        p["POST /app/rewards/{id} Input.StoreIds[]"] = async () =>
        {
            // B's store in A's new reward: refused on the field, no reward made.
            await c.StaffPost("/app/rewards/new",
                new Dictionary<string, string>(rewardForm) { ["Input.AllStores"] = "false", ["Input.StoreIds"] = b.StoreId.ToString() }, HttpStatusCode.OK);
            (await c.ADb(db => db.Rewards.CountAsync(r => r.Name == "Hijacked reward"))).Should().Be(0, "a reward for B's store is never created in A");
        };
        p["POST /app/rewards?handler=Archive id"] = () => c.StaffPost($"/app/rewards?handler=Archive&id={c.BR.RewardId}", new() { ["archive"] = "true" }, HttpStatusCode.NotFound);
        p["GET /counter/rewards CustomerId"] = () => c.StaffGet($"/counter/rewards?c={b.CustomerId}", HttpStatusCode.NotFound);
        p["GET /counter/rewards ConfirmRewardId"] = async () =>
            (await c.StaffGet($"/counter/rewards?c={a.CustomerId}&r={c.BR.RewardId}", HttpStatusCode.OK)).Should().NotContain(c.BR.RewardName, "B's reward is never offered in A");
        p["GET /counter/rewards ClaimId"] = async () =>
        {
            var html = await c.StaffGet($"/counter/rewards?c={a.CustomerId}&claim={c.BR.ClaimId}", HttpStatusCode.OK);
            html.Should().NotContain(c.BR.ClaimCode).And.NotContain(c.BR.ClaimCode.Replace("-", ""), "B's claim code is never shown in A");
        };
        p["POST /counter/rewards?handler=Redeem rewardId"] = () => c.StaffPost($"/counter/rewards?handler=Redeem&c={a.CustomerId}",
            new() { ["rewardId"] = c.BR.RewardId.ToString(), ["key"] = NewKeyGuid().ToString("N") }, HttpStatusCode.NotFound);
        p["POST /counter/rewards?handler=Redeem CustomerId"] = () => c.StaffPost($"/counter/rewards?handler=Redeem&c={b.CustomerId}",
            new() { ["rewardId"] = c.AR.RewardId.ToString(), ["key"] = NewKeyGuid().ToString("N") }, HttpStatusCode.NotFound);
        p["POST /counter/rewards?handler=Redeem key"] = async () =>
        {
            // B's counter redemption key used for A's own member and reward: A's own new claim, never a replay of B's.
            using var r = await c.Staff.PostAsync($"/counter/rewards?handler=Redeem&c={a.CustomerId}",
                new Dictionary<string, string> { ["rewardId"] = c.AR.RewardId.ToString(), ["key"] = c.BR.CounterKey }, c.StaffToken);
            r.StatusCode.Should().Be(HttpStatusCode.Redirect, await Errors(r));
            r.Headers.Location!.ToString().Should().StartWith($"/counter/rewards?c={a.CustomerId}&claim=").And.NotContain(c.BR.ClaimId.ToString());
        };
        // A refused redemption (no key) shows the page again: B's claim named in the query is not shown, B's reward not offered.
        p["POST /counter/rewards?handler=Redeem ClaimId"] = async () =>
        {
            var html = await c.StaffPost($"/counter/rewards?handler=Redeem&c={a.CustomerId}&claim={c.BR.ClaimId}", new() { ["rewardId"] = c.AR.RewardId.ToString() },
                HttpStatusCode.UnprocessableEntity);
            html.Should().NotContain(c.BR.ClaimCode).And.NotContain(c.BR.ClaimCode.Replace("-", ""));
        };
        p["POST /counter/rewards?handler=Redeem ConfirmRewardId"] = async () =>
            (await c.StaffPost($"/counter/rewards?handler=Redeem&c={a.CustomerId}&r={c.BR.RewardId}", new() { ["rewardId"] = c.AR.RewardId.ToString() },
                HttpStatusCode.UnprocessableEntity)).Should().NotContain(c.BR.RewardName);
        p["POST /counter/rewards?handler=Redeem Code"] = () => c.StaffPost($"/counter/rewards?handler=Redeem&c={a.CustomerId}",
            new() { ["rewardId"] = c.BR.RewardId.ToString(), ["key"] = NewKeyGuid().ToString("N"), ["Code"] = c.BR.ClaimCode }, HttpStatusCode.NotFound);
        p["POST /counter/rewards?handler=Deliver Code"] = async () =>
        {
            await c.StaffPost("/counter/rewards?handler=Deliver", new() { ["Code"] = c.BR.ClaimCode }, HttpStatusCode.NotFound);
            await c.StaffPost("/counter/rewards?handler=Deliver", new() { ["Code"] = c.BR.ClaimCode.Replace("-", "") }, HttpStatusCode.NotFound);
        };
        // A refused delivery (no code) shows the page again without B's customer, claim or reward.
        p["POST /counter/rewards?handler=Deliver CustomerId"] = async () =>
            (await c.StaffPost($"/counter/rewards?handler=Deliver&c={b.CustomerId}", new() { ["Code"] = "" }, HttpStatusCode.UnprocessableEntity))
                .Should().NotContain(b.CustomerName).And.NotContain(c.BR.RewardName);
        p["POST /counter/rewards?handler=Deliver ClaimId"] = async () =>
            (await c.StaffPost($"/counter/rewards?handler=Deliver&c={a.CustomerId}&claim={c.BR.ClaimId}", new() { ["Code"] = "" }, HttpStatusCode.UnprocessableEntity))
                .Should().NotContain(c.BR.ClaimCode).And.NotContain(c.BR.ClaimCode.Replace("-", ""));
        p["POST /counter/rewards?handler=Deliver ConfirmRewardId"] = async () =>
            (await c.StaffPost($"/counter/rewards?handler=Deliver&c={a.CustomerId}&r={c.BR.RewardId}", new() { ["Code"] = "" }, HttpStatusCode.UnprocessableEntity))
                .Should().NotContain(c.BR.RewardName);
        p["GET /{tenant}/rewards tenant"] = () => c.PortalGetRedirect($"/{b.Slug}/rewards", $"/{b.Slug}/signin");
        p["GET /{tenant}/rewards confirm"] = async () =>
            (await c.PortalGet($"/{a.Slug}/rewards?confirm={c.BR.RewardId}", HttpStatusCode.OK)).Should().NotContain(c.BR.RewardName, "B's reward is never offered in A");
        p["POST /{tenant}/rewards?handler=Redeem tenant"] = () => c.PortalPostRedirect($"/{b.Slug}/rewards?handler=Redeem",
            new() { ["rewardId"] = c.BR.RewardId.ToString(), ["key"] = NewKeyGuid().ToString("N") }, $"/{b.Slug}/signin");
        p["POST /{tenant}/rewards?handler=Redeem rewardId"] = () => c.PortalPost($"/{a.Slug}/rewards?handler=Redeem",
            new() { ["rewardId"] = c.BR.RewardId.ToString(), ["key"] = NewKeyGuid().ToString("N") }, HttpStatusCode.NotFound);
        p["POST /{tenant}/rewards?handler=Redeem key"] = async () =>
        {
            // B's portal redemption key used by A's member for A's reward: A's own new claim.
            using var r = await c.Portal.PostAsync($"/{a.Slug}/rewards?handler=Redeem",
                new Dictionary<string, string> { ["rewardId"] = c.AR.RewardId.ToString(), ["key"] = c.BR.PortalKey }, c.PortalToken);
            r.StatusCode.Should().Be(HttpStatusCode.Redirect, await Errors(r));
            r.Headers.Location!.ToString().Should().StartWith($"/{a.Slug}/rewards/mine?claim=");
            (await c.ADb(db => db.RewardClaims.CountAsync(x => x.CustomerId == a.CustomerId && x.Channel == "portal"))).Should().Be(1, "A's member's own claim");
        };
        p["GET /{tenant}/rewards/mine tenant"] = () => c.PortalGetRedirect($"/{b.Slug}/rewards/mine", $"/{b.Slug}/signin");
        p["GET /{tenant}/rewards/mine claim"] = async () =>
        {
            var html = await c.PortalGet($"/{a.Slug}/rewards/mine?claim={c.BR.ClaimId}", HttpStatusCode.OK);
            html.Should().NotContain(c.BR.ClaimCode).And.NotContain(c.BR.ClaimCode.Replace("-", "")).And.NotContain(c.BR.RewardName);
        };
        p["POST /api/v1/customers/{id:guid}/rewards/{rewardId:guid}/redeem id"] = () => c.ApiExpect(HttpMethod.Post,
            $"/api/v1/customers/{b.CustomerId}/rewards/{c.AR.RewardId}/redeem", new { }, HttpStatusCode.NotFound);
        p["POST /api/v1/customers/{id:guid}/rewards/{rewardId:guid}/redeem rewardId"] = () => c.ApiExpect(HttpMethod.Post,
            $"/api/v1/customers/{a.CustomerId}/rewards/{c.BR.RewardId}/redeem", new { }, HttpStatusCode.NotFound);
        p["POST /api/v1/customers/{id:guid}/rewards/{rewardId:guid}/redeem body.storeId"] = async () =>
        {
            var url = $"/api/v1/customers/{a.CustomerId}/rewards/{c.AR.RewardId}/redeem";
            await c.ApiExpect(HttpMethod.Post, url, new { storeId = b.StoreId }, HttpStatusCode.Forbidden);
            await c.ApiExpect(HttpMethod.Post, url, new { storeId = b.StoreId }, HttpStatusCode.NotFound, unbound: true);
        };
        return p;
    }

    /// <summary>The validation messages of a re-rendered form, for assertion messages.</summary>
    private static async Task<string> Errors(HttpResponseMessage r)
    {
        return string.Join(" | ", ValidationMessage().Matches(await r.BodyAsync()).Select(m => m.Groups[1].Value.Trim()).Where(m => m.Length > 0));
    }

    [GeneratedRegex(@"class=""[^""]*(?:field-validation-error|validation-summary-errors|alert-danger|invalid-feedback)[^""]*""[^>]*>([\s\S]{0,300}?)<")]
    private static partial Regex ValidationMessage();

    private static Dictionary<string, string> Purchase(Guid customerId, string key, string amount = "10,00", string? voucher = null, string? cashback = null) => new()
    {
        ["Purchase.CustomerId"] = customerId.ToString(), ["Purchase.IdempotencyKey"] = key, ["Purchase.Amount"] = amount, ["Purchase.Receipt"] = "",
        ["Purchase.PayWithCashback"] = cashback ?? "", ["Purchase.VoucherCode"] = voucher ?? "", ["Purchase.OneTimeCode"] = "", ["Purchase.ManagerPin"] = "",
    };

    private static HashSet<string> ProbeKeys()
    {
        // The probe table is built from a context; its keys do not depend on it.
        var dummy = new SeededTenant(null!, Guid.Empty, "", "", "", "", "", "", Guid.Empty, "", "", Guid.Empty, "", "", Guid.Empty, Guid.Empty, Guid.Empty,
            Guid.Empty, Guid.Empty, Guid.Empty, Guid.Empty, Guid.Empty, Guid.Empty, "", "", "");
        return Probes(new Context(null!, dummy, dummy)).Keys.Where(k => !k.StartsWith("API ", StringComparison.Ordinal)).ToHashSet();
    }

    // ---- Enumeration ----

    private IEnumerable<(string Endpoint, string Name)> AllRouteParameters()
    {
        foreach (var e in fixture.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
            foreach (var parameter in e.RoutePattern.Parameters)
                yield return (e.RoutePattern.RawText ?? e.DisplayName ?? "?", parameter.Name);
    }

    private IEnumerable<Input> IdentifierInputs() => PageInputs().Concat(EndpointInputs()).Where(i => IsIdentifier(i.Name, i.Type));

    /// <summary>An id or a code: a Guid, or a string named like one.</summary>
    private static bool IsIdentifier(string name, Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(Guid)) return true;
        return t == typeof(string) && IdentifierName().IsMatch(name.Split('.')[^1]);
    }

    [GeneratedRegex("(?i)(id|code|token|slug|tenant|ref|key)$")]
    private static partial Regex IdentifierName();

    private IEnumerable<Input> PageInputs()
    {
        var pages = fixture.Factory.Services.GetRequiredService<IActionDescriptorCollectionProvider>()
            .ActionDescriptors.Items.OfType<PageActionDescriptor>().GroupBy(p => p.RelativePath).Select(g => g.First());
        var assembly = typeof(Program).Assembly;
        foreach (var page in pages)
        {
            var model = assembly.GetType("Smartbis.Web" + page.RelativePath[..^".cshtml".Length].Replace('/', '.') + "Model");
            if (model is null || !typeof(PageModel).IsAssignableFrom(model)) continue;
            var template = "/" + (page.AttributeRouteInfo?.Template ?? page.ViewEnginePath.TrimStart('/'));
            var routeNames = RouteParameter().Matches(template).Select(m => m.Groups[1].Value).ToHashSet();
            foreach (var method in model.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                var m = Handler().Match(method.Name);
                if (!m.Success) continue;
                var verb = m.Groups[1].Value.ToUpperInvariant();
                var handler = m.Groups[2].Value;
                var endpoint = $"{verb} {template}{(handler.Length == 0 ? "" : "?handler=" + handler)}";
                var parameters = method.GetParameters().Where(x => x.ParameterType != typeof(CancellationToken)).ToList();
                foreach (var name in routeNames.Where(n => parameters.All(x => x.Name != n)))
                    yield return new Input(endpoint, name, typeof(string));
                foreach (var x in parameters) yield return new Input(endpoint, x.Name!, x.ParameterType);
                foreach (var prop in model.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                {
                    var bind = prop.GetCustomAttribute<BindPropertyAttribute>();
                    if (bind is null || (verb == "GET" && !bind.SupportsGet)) continue;
                    foreach (var input in Flatten(endpoint, prop.Name, prop.PropertyType)) yield return input;
                }
            }
        }
    }

    private static IEnumerable<Input> Flatten(string endpoint, string name, Type type, int depth = 0)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(Guid) || t == typeof(DateOnly) || t == typeof(DateTimeOffset)
            || t == typeof(DateTime) || t == typeof(decimal) || typeof(Microsoft.AspNetCore.Http.IFormFile).IsAssignableFrom(t) || depth > 3)
        {
            yield return new Input(endpoint, name, type);
            yield break;
        }
        if (t.IsGenericType && t.GetGenericTypeDefinition() is var g && (g == typeof(List<>) || g == typeof(IReadOnlyList<>) || g == typeof(IEnumerable<>)))
        {
            foreach (var i in Flatten(endpoint, name + "[]", t.GetGenericArguments()[0], depth + 1)) yield return i;
            yield break;
        }
        foreach (var prop in t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
            foreach (var i in Flatten(endpoint, $"{name}.{prop.Name}", prop.PropertyType, depth + 1)) yield return i;
    }

    private IEnumerable<Input> EndpointInputs()
    {
        foreach (var e in fixture.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (e.Metadata.GetMetadata<ActionDescriptor>() is not null) continue; // pages: enumerated above
            var pattern = e.RoutePattern.RawText ?? "";
            if (!pattern.StartsWith("/api/v1", StringComparison.Ordinal)) continue;
            foreach (var verb in e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
            {
                var endpoint = $"{verb} {pattern}";
                var routeNames = e.RoutePattern.Parameters.Select(x => x.Name).ToHashSet();
                foreach (var name in routeNames) yield return new Input(endpoint, name, typeof(string));
                // Query parameters: the handler's simple parameters that are not route values.
                if (e.Metadata.GetMetadata<MethodInfo>() is { } handler)
                    foreach (var x in handler.GetParameters())
                    {
                        var t = Nullable.GetUnderlyingType(x.ParameterType) ?? x.ParameterType;
                        if (routeNames.Contains(x.Name!) || !(t.IsPrimitive || t == typeof(string) || t == typeof(Guid))) continue;
                        yield return new Input(endpoint, x.Name!, x.ParameterType);
                    }
                if (e.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType is { } body)
                    foreach (var i in Flatten(endpoint, "body", body))
                        yield return i with { Name = string.Join('.', i.Name.Split('.').Select(s => char.ToLowerInvariant(s[0]) + s[1..])) };
            }
        }
    }

    [GeneratedRegex(@"^On(Get|Post)(\w*?)(Async)?$")]
    private static partial Regex Handler();

    [GeneratedRegex(@"\{(\w+)")]
    private static partial Regex RouteParameter();

    // ---- The callers: A's owner (dashboard and counter), A's API key, A's signed-in member ----

    private sealed class Context(DatabaseFixture fixture, SeededTenant a, SeededTenant b)
    {
        public SeededTenant A { get; } = a;
        public SeededTenant B { get; } = b;
        public SeededRewards AR { get; set; } = null!;
        public SeededRewards BR { get; set; } = null!;
        public FormClient Staff { get; private set; } = null!;
        public string StaffToken { get; private set; } = "";
        public FormClient Portal { get; private set; } = null!;
        public string PortalToken { get; private set; } = "";
        private HttpClient api = null!;
        private HttpClient unboundApi = null!;

        public static async Task<Context> CreateAsync(DatabaseFixture fixture, SeededTenant a, SeededTenant b)
        {
            var c = new Context(fixture, a, b);
            c.Staff = fixture.CreateFormClient();
            (await c.Staff.SignInAsync(a.T.Owner.Email, a.T.Owner.Password)).StatusCode.Should().Be(HttpStatusCode.Redirect);
            c.StaffToken = FormClient.FindAntiforgeryToken(await c.Staff.GetPageAsync("/app/staff"))!;
            // The owner works at A's store at the counter.
            (await c.Staff.PostAsync("/counter?handler=Store", [new("storeId", a.StoreId.ToString())], c.StaffToken)).StatusCode.Should().Be(HttpStatusCode.Redirect);
            c.Portal = await SecurityKit.PortalClientAsync(fixture, a);
            c.PortalToken = FormClient.FindAntiforgeryToken(await c.Portal.GetPageAsync($"/{a.Slug}/preferences"))!;
            c.api = fixture.Factory.ApiClient(a.ApiKey);
            await using var scope = fixture.CreateScope(a.Id);
            var unbound = await scope.Get<Web.Features.Integrations.CreateApiKey>().ExecuteAsync(new("unbound", null), Web.Features.Audit.AuditActor.System);
            c.unboundApi = fixture.Factory.ApiClient(unbound.Key);
            return c;
        }

        public FormClient NewAnonymous() => fixture.CreateFormClient();

        public async Task<T> ADb<T>(Func<Web.Data.SmartbisDb, Task<T>> read)
        {
            await using var scope = fixture.CreateScope(A.Id);
            return await read(scope.Db);
        }

        public async Task<T> BDb<T>(Func<Web.Data.SmartbisDb, Task<T>> read)
        {
            await using var scope = fixture.CreateScope(B.Id);
            return await read(scope.Db);
        }

        public async Task<string> StaffGet(string url, HttpStatusCode expected) => await Expect(await Staff.GetAsync(url), "GET " + url, expected);

        public async Task<string> StaffPost(string url, Dictionary<string, string> form, HttpStatusCode expected) =>
            await Expect(await Staff.PostAsync(url, form, StaffToken), "POST " + url, expected);

        public async Task<string> AnonymousGet(string url, HttpStatusCode expected)
        {
            using var anon = NewAnonymous();
            return await Expect(await anon.GetAsync(url), "GET " + url, expected);
        }

        public async Task<string> AnonymousPost(string url, Dictionary<string, string> form, HttpStatusCode expected)
        {
            using var anon = NewAnonymous();
            return await Expect(await anon.SubmitAsync(url, form), "POST " + url, expected);
        }

        public async Task<string> PortalGet(string url, HttpStatusCode expected) => await Expect(await Portal.GetAsync(url), "GET " + url, expected);

        public async Task<string> PortalPost(string url, Dictionary<string, string> form, HttpStatusCode expected) =>
            await Expect(await Portal.PostAsync(url, form, PortalToken), "POST " + url, expected);

        public async Task PortalGetRedirect(string url, string to)
        {
            using var r = await Portal.GetAsync(url);
            r.StatusCode.Should().Be(HttpStatusCode.Redirect, "GET {0} with another tenant's member session: {1}", url, await r.BodyAsync());
            r.Headers.Location?.ToString().Should().StartWith(to, "GET {0} sends the visitor to B's own sign-in", url);
        }

        public async Task PortalPostRedirect(string url, Dictionary<string, string> form, string to)
        {
            using var r = await Portal.PostAsync(url, form, PortalToken);
            r.StatusCode.Should().Be(HttpStatusCode.Redirect, "POST {0} with another tenant's member session: {1}", url, await r.BodyAsync());
            r.Headers.Location?.ToString().Should().StartWith(to, "POST {0} sends the visitor to B's own sign-in", url);
        }

        public Task<HttpResponseMessage> Api(HttpMethod method, string url, object? body, string? key = null, bool unbound = false)
        {
            var request = new HttpRequestMessage(method, url);
            if (body is not null) request.Content = new StringContent(SecurityKit.Json(body), System.Text.Encoding.UTF8, "application/json");
            if (method == HttpMethod.Post) request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString());
            return (unbound ? unboundApi : api).SendAsync(request);
        }

        public async Task ApiExpect(HttpMethod method, string url, object? body, HttpStatusCode expected, string? field = null, bool unbound = false)
        {
            using var r = await Api(method, url, body, unbound: unbound);
            var text = await r.BodyAsync();
            r.StatusCode.Should().Be(expected, "{0} {1} with B's identifier answered: {2}", method, url, text);
            r.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json", "{0} {1}", method, url);
            if (field is not null) text.Should().Contain($"\"{field}\":[", "{0} {1} names the field", method, url);
        }

        private static async Task<string> Expect(HttpResponseMessage r, string what, HttpStatusCode expected)
        {
            using (r)
            {
                var body = await r.BodyAsync();
                r.StatusCode.Should().Be(expected, "{0} with B's identifier (Location: {1}); body: {2}", what, r.Headers.Location,
                    body.Length > 1500 ? body[..1500] : body);
                return body;
            }
        }
    }
}
