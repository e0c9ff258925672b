using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;

namespace Smartbis.Tests.Api;

/// <summary>Every endpoint of /api/v1 and its error statuses, through HTTP against the real app and PostgreSQL.</summary>
public sealed class ApiContractTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    [Fact]
    public async Task Enrol_returns_the_customer_and_an_existing_phone_is_409_naming_them()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var api = Fixture.ApiClient(await t.CreateKeyAsync());
        var phone = LedgerTestKit.NewPhone();

        var created = await (await api.PostJsonAsync("/api/v1/customers", new
        {
            name = "Maria Silva", phone, email = "maria.api@example.com", birthDate = "1990-05-17", cpf = "529.982.247-25",
            consents = new { email = true, whatsapp = false },
        })).JsonAsync(HttpStatusCode.Created);
        created.GetProperty("name").GetString().Should().Be("Maria Silva");
        created.GetProperty("phone").GetString().Should().Be(phone);
        created.GetProperty("status").GetString().Should().Be("active");
        created.GetProperty("cardCode").GetString().Should().NotBeNullOrEmpty();
        created.GetProperty("balance").Cents("availableCents").Should().Be(0);
        created.GetProperty("vouchers").GetArrayLength().Should().Be(0);

        var dup = await (await api.PostJsonAsync("/api/v1/customers", new { name = "Maria again", phone })).ProblemAsync(HttpStatusCode.Conflict, "phone");
        dup.GetProperty("customerId").GetGuid().Should().Be(created.Id());

        await (await api.PostJsonAsync("/api/v1/customers", new { name = "No contact" })).ProblemAsync(HttpStatusCode.UnprocessableEntity, "phone");
        await (await api.PostJsonAsync("/api/v1/customers", new { phone = LedgerTestKit.NewPhone() })).ProblemAsync(HttpStatusCode.UnprocessableEntity, "name");
    }

    [Fact]
    public async Task Lookup_finds_by_phone_email_card_code_and_cpf_and_404s_otherwise()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var api = Fixture.ApiClient(await t.CreateKeyAsync());
        var phone = LedgerTestKit.NewPhone();
        var c = await (await api.PostJsonAsync("/api/v1/customers", new { name = "Ana", phone, email = "ana.lookup@example.com", cpf = "11144477735" }))
            .JsonAsync(HttpStatusCode.Created);
        var national = phone[3..]; // the same number typed without the country code
        foreach (var query in new[] { $"phone={Uri.EscapeDataString(national)}", "email=ANA.lookup@example.com", $"cardCode={c.GetProperty("cardCode").GetString()!.ToLowerInvariant()}", "cpf=111.444.777-35" })
            (await (await api.GetAsync($"/api/v1/customers/lookup?{query}")).JsonAsync(HttpStatusCode.OK)).Id().Should().Be(c.Id(), query);

        await (await api.GetAsync("/api/v1/customers/lookup?email=nobody@example.com")).ProblemAsync(HttpStatusCode.NotFound);
        await (await api.GetAsync("/api/v1/customers/lookup")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await api.GetAsync($"/api/v1/customers/{Guid.NewGuid()}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Purchase_earns_refund_reverses_and_entries_page_newest_first()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var api = Fixture.ApiClient(await t.CreateKeyAsync(t.StoreId));
        var customer = await t.EnrollAsync();

        var p = await (await api.PostJsonAsync("/api/v1/purchases", new
        {
            customer = new { id = customer }, amountCents = 100_00, receiptNumber = "R-1",
            items = new[] { new { category = "cosmetics", amountCents = 100_00 } },
        })).JsonAsync(HttpStatusCode.Created);
        p.Cents("amountCents").Should().Be(100_00);
        p.Cents("paidCents").Should().Be(100_00);
        p.Cents("earnedCents").Should().Be(5_00);
        p.GetProperty("earnedStatus").GetString().Should().Be("available");
        p.GetProperty("balance").Cents("availableCents").Should().Be(5_00);
        p.Id("customerId").Should().Be(customer);

        var second = await (await api.PostJsonAsync("/api/v1/purchases", new { customer = new { id = customer }, amountCents = 50_00, receiptNumber = "R-2", redeemCents = 2_00 }))
            .JsonAsync(HttpStatusCode.Created);
        second.Cents("redeemedCents").Should().Be(2_00);
        second.Cents("paidCents").Should().Be(48_00);

        var refund = await (await api.PostJsonAsync($"/api/v1/purchases/{p.Id()}/refunds", new { amountCents = 100_00, reason = "Returned" }))
            .JsonAsync(HttpStatusCode.Created);
        refund.Id("purchaseId").Should().Be(p.Id());
        refund.Cents("reversedCents").Should().Be(5_00);
        refund.GetProperty("balance").Cents("clawbackCents").Should().Be(refund.Cents("clawbackCents"));
        await (await api.PostJsonAsync($"/api/v1/purchases/{p.Id()}/refunds", new { amountCents = 1, reason = "Again" }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "amountCents");
        await (await api.PostJsonAsync($"/api/v1/purchases/{Guid.NewGuid()}/refunds", new { amountCents = 1, reason = "?" })).ProblemAsync(HttpStatusCode.NotFound);

        var all = await (await api.GetAsync($"/api/v1/customers/{customer}/entries?limit=100")).JsonAsync(HttpStatusCode.OK);
        var count = all.GetProperty("items").GetArrayLength();
        count.Should().BeGreaterThan(3);
        all.GetProperty("nextCursor").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await (await api.GetAsync($"/api/v1/customers/{customer}/entries?limit=2" + (cursor is null ? "" : $"&cursor={cursor}"))).JsonAsync(HttpStatusCode.OK);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(e => e.Id()));
            cursor = page.GetProperty("nextCursor").GetString();
        } while (cursor is not null);
        seen.Should().Equal(all.GetProperty("items").EnumerateArray().Select(e => e.Id()), "pages of 2 walk the same entries in the same order");
        var first = all.GetProperty("items")[0];
        first.GetProperty("kind").GetString().Should().NotBeNullOrEmpty();
        first.GetProperty("bucket").GetString().Should().BeOneOf("available", "pending", "voucher", "clawback");
        await (await api.GetAsync($"/api/v1/customers/{customer}/entries?cursor=nonsense")).ProblemAsync(HttpStatusCode.BadRequest, "cursor");
    }

    [Fact]
    public async Task A_phone_not_enrolled_buys_as_a_walk_in_and_email_or_card_code_identify_members()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var api = Fixture.ApiClient(await t.CreateKeyAsync(t.StoreId));
        var phone = LedgerTestKit.NewPhone();
        var walkIn = await (await api.PostJsonAsync("/api/v1/purchases", new { customer = new { phone }, amountCents = 20_00, receiptNumber = "W-1" }))
            .JsonAsync(HttpStatusCode.Created);
        var c = await (await api.GetAsync($"/api/v1/customers/{walkIn.Id("customerId")}")).JsonAsync(HttpStatusCode.OK);
        c.GetProperty("status").GetString().Should().Be("unclaimed");
        c.GetProperty("balance").Cents("availableCents").Should().Be(1_00);

        var member = await (await api.PostJsonAsync("/api/v1/customers", new { name = "Bia", email = "bia.api@example.com" })).JsonAsync(HttpStatusCode.Created);
        (await (await api.PostJsonAsync("/api/v1/purchases", new { customer = new { email = "bia.api@example.com" }, amountCents = 10_00, receiptNumber = "E-1" }))
            .JsonAsync(HttpStatusCode.Created)).Id("customerId").Should().Be(member.Id());
        (await (await api.PostJsonAsync("/api/v1/purchases", new { customer = new { cardCode = member.GetProperty("cardCode").GetString() }, amountCents = 10_00, receiptNumber = "E-2" }))
            .JsonAsync(HttpStatusCode.Created)).Id("customerId").Should().Be(member.Id());
        await (await api.PostJsonAsync("/api/v1/purchases", new { customer = new { email = "ghost@example.com" }, amountCents = 10_00, receiptNumber = "E-3" }))
            .ProblemAsync(HttpStatusCode.NotFound);
        var dupReceipt = await (await api.PostJsonAsync("/api/v1/purchases", new { customer = new { phone }, amountCents = 20_00, receiptNumber = "W-1" }))
            .ProblemAsync(HttpStatusCode.Conflict, "receiptNumber");
        dupReceipt.GetProperty("purchaseId").GetGuid().Should().Be(walkIn.Id());
    }

    [Fact]
    public async Task Voucher_is_shown_redeemed_once_and_pays_a_purchase_by_code()
    {
        var t = await NewTenantAsync(ApiKit.VoucherRules());
        var api = Fixture.ApiClient(await t.CreateKeyAsync());
        var customer = await t.EnrollAsync();
        await t.BuyAsync(customer, 400_00); // 20,00 → two vouchers of 10,00
        await t.IssueVouchersAsync();
        var codes = (await t.VouchersAsync(customer)).Select(v => v.Code).ToList();
        codes.Should().HaveCount(2);

        var v = await (await api.GetAsync($"/api/v1/vouchers/{codes[0].ToLowerInvariant()}")).JsonAsync(HttpStatusCode.OK);
        v.GetProperty("status").GetString().Should().Be("issued");
        v.Cents("valueCents").Should().Be(10_00);
        v.Id("customerId").Should().Be(customer);
        var listed = await (await api.GetAsync($"/api/v1/customers/{customer}")).JsonAsync(HttpStatusCode.OK);
        listed.GetProperty("vouchers").GetArrayLength().Should().Be(2);

        var redeemed = await (await api.PostJsonAsync($"/api/v1/vouchers/{codes[0]}/redeem", new { })).JsonAsync(HttpStatusCode.OK);
        redeemed.GetProperty("status").GetString().Should().Be("redeemed");
        redeemed.GetProperty("code").GetString().Should().Be(v.GetProperty("code").GetString());
        await (await api.PostJsonAsync($"/api/v1/vouchers/{codes[0]}/redeem", new { })).ProblemAsync(HttpStatusCode.UnprocessableEntity, "code");
        await (await api.GetAsync("/api/v1/vouchers/ACDE-FGHJ-KMNP")).ProblemAsync(HttpStatusCode.NotFound);
        await (await api.PostJsonAsync("/api/v1/vouchers/ACDE-FGHJ-KMNP/redeem", new { })).ProblemAsync(HttpStatusCode.NotFound);

        var paid = await (await api.PostJsonAsync("/api/v1/purchases", new
        {
            customer = new { id = customer }, amountCents = 30_00, receiptNumber = "V-1", storeId = t.StoreId, voucherCode = codes[1],
        })).JsonAsync(HttpStatusCode.Created);
        paid.Cents("voucherCents").Should().Be(10_00);
        paid.Cents("paidCents").Should().Be(20_00);
    }

    [Fact]
    public async Task Program_returns_the_rules_in_force()
    {
        var t = await NewTenantAsync(SampleRules.LitoralCash());
        var api = Fixture.ApiClient(await t.CreateKeyAsync());
        var p = await (await api.GetAsync("/api/v1/program")).JsonAsync(HttpStatusCode.OK);
        p.GetProperty("earnRateBps").GetInt32().Should().Be(500);
        p.GetProperty("maxRedeemShareBps").GetInt32().Should().Be(5_000);
        p.Cents("minRedeemBalanceCents").Should().Be(10_00);
        p.GetProperty("voucherMode").GetString().Should().Be("none");
        p.GetProperty("expiryDays").GetInt32().Should().Be(180);
        p.GetProperty("version").GetInt32().Should().Be(1);
    }

    [Fact]
    public async Task No_key_a_wrong_key_and_a_revoked_key_are_401_and_the_last_use_is_recorded()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var key = await t.CreateKeyAsync();
        await (await Fixture.ApiClient(null).GetAsync("/api/v1/program")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await Fixture.ApiClient("sbk_" + new string('x', 43)).GetAsync("/api/v1/program")).ProblemAsync(HttpStatusCode.Unauthorized);
        (await Fixture.ApiClient(key).GetAsync("/api/v1/program")).StatusCode.Should().Be(HttpStatusCode.OK);
        var lastUsed = await t.WithDbAsync(db => db.ApiKeys.Select(k => k.LastUsedAt).SingleAsync());
        lastUsed.Should().Be(Clock.Now);

        await t.RevokeKeyAsync(key);
        var customers = await t.WithDbAsync(db => db.Customers.CountAsync());
        await (await Fixture.ApiClient(key).GetAsync("/api/v1/program")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await Fixture.ApiClient(key).PostJsonAsync("/api/v1/customers", new { name = "X", phone = LedgerTestKit.NewPhone() })).ProblemAsync(HttpStatusCode.Unauthorized);
        (await t.WithDbAsync(db => db.Customers.CountAsync())).Should().Be(customers);
    }

    [Fact]
    public async Task A_store_bound_key_is_403_for_another_store_and_an_unbound_key_must_name_the_store()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var other = await t.AddStoreAsync();
        var customer = await t.EnrollAsync();
        var bound = Fixture.ApiClient(await t.CreateKeyAsync(t.StoreId));
        var before = await t.RowCountsAsync();
        await (await bound.PostJsonAsync("/api/v1/purchases", new { customer = new { id = customer }, amountCents = 10_00, receiptNumber = "S-1", storeId = other }))
            .ProblemAsync(HttpStatusCode.Forbidden);
        var unbound = Fixture.ApiClient(await t.CreateKeyAsync());
        await (await unbound.PostJsonAsync("/api/v1/purchases", new { customer = new { id = customer }, amountCents = 10_00, receiptNumber = "S-1" }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "storeId");
        (await t.RowCountsAsync()).Should().Be(before);

        var inOther = await (await unbound.PostJsonAsync("/api/v1/purchases", new { customer = new { id = customer }, amountCents = 10_00, receiptNumber = "S-1", storeId = other }))
            .JsonAsync(HttpStatusCode.Created);
        await (await bound.PostJsonAsync($"/api/v1/purchases/{inOther.Id()}/refunds", new { amountCents = 10_00, reason = "x" })).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_post_without_an_idempotency_key_is_400_and_writes_nothing()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var api = Fixture.ApiClient(await t.CreateKeyAsync(t.StoreId));
        var customer = await t.EnrollAsync();
        var before = await t.RowCountsAsync();
        await (await api.PostRawAsync("/api/v1/purchases", """{"customer":{"id":"__"},"amountCents":1000,"receiptNumber":"I-1"}""".Replace("__", customer.ToString()), null))
            .ProblemAsync(HttpStatusCode.BadRequest, "Idempotency-Key");
        await (await api.PostRawAsync("/api/v1/customers", """{"name":"A","phone":"+5511999990000"}""", new string('k', 256)))
            .ProblemAsync(HttpStatusCode.BadRequest, "Idempotency-Key");
        (await t.RowCountsAsync()).Should().Be(before);
    }
}
