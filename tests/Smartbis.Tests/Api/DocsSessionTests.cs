using System.Net;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;

namespace Smartbis.Tests.Api;

/// <summary>The curl session of docs/api.md ("Try it"), call by call with the same bodies, against a tenant with Velluto's rules.</summary>
public sealed class DocsSessionTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    [Fact]
    public async Task The_documented_curl_session_works_as_written()
    {
        var t = await NewTenantAsync(SampleRules.Velluto());
        // The demo's voucher: a member whose R$ 20,00 of cashback became a voucher.
        var holder = await t.EnrollAsync("Voucher Holder");
        await t.BuyAsync(holder, 400_00);
        Clock.Advance(TimeSpan.FromDays(7));
        await t.ReleaseAsync();
        await t.IssueVouchersAsync();
        var voucher = (await t.VouchersAsync(holder)).Single();
        var VOUCHER = Smartbis.Web.Infrastructure.Codes.Display(voucher.Code);

        var api = Fixture.ApiClient(await t.CreateKeyAsync(t.StoreId));
        var RUN = "1763890906";
        var PHONE = LedgerTestKit.NewPhone();

        // 1. Enrol
        var customer = await (await api.PostRawAsync("/api/v1/customers",
            $"{{\"name\":\"Maria Souza\",\"phone\":\"{PHONE}\",\"consents\":{{\"email\":false,\"whatsapp\":true}}}}", $"enrol-{RUN}")).JsonAsync(HttpStatusCode.Created);
        customer.GetProperty("status").GetString().Should().Be("active");
        var CUSTOMER_ID = customer.Id();

        // 2. Purchase
        var saleBody = $"{{\"customer\":{{\"id\":\"{CUSTOMER_ID}\"}},\"amountCents\":12000,\"receiptNumber\":\"DOC-{RUN}\",\"items\":[{{\"category\":\"cosmetics\",\"amountCents\":8000}},{{\"category\":\"prescription\",\"amountCents\":4000}}]}}";
        var sale = await api.PostRawAsync("/api/v1/purchases", saleBody, $"sale-{RUN}");
        var saleText = await sale.Content.ReadAsStringAsync();
        var purchase = await sale.JsonAsync(HttpStatusCode.Created);
        purchase.Cents("earnedCents").Should().Be(400);
        purchase.GetProperty("earnedStatus").GetString().Should().Be("pending");
        purchase.GetProperty("balance").Cents("pendingCents").Should().Be(400);
        var PURCHASE_ID = purchase.Id();

        // 3. Replay
        var replay = await api.PostRawAsync("/api/v1/purchases", saleBody, $"sale-{RUN}");
        replay.StatusCode.Should().Be(HttpStatusCode.Created);
        replay.Headers.GetValues("Idempotent-Replayed").Should().Equal("true");
        (await replay.Content.ReadAsStringAsync()).Should().Be(saleText);

        // 4. Refund
        var refund = await (await api.PostRawAsync($"/api/v1/purchases/{PURCHASE_ID}/refunds", """{"amountCents":4000,"reason":"Returned one item"}""", $"refund-{RUN}"))
            .JsonAsync(HttpStatusCode.Created);
        refund.Cents("reversedCents").Should().Be(133);
        refund.Cents("moneyToReturnCents").Should().Be(4000);
        refund.GetProperty("balance").Cents("pendingCents").Should().Be(267);

        // 5. Voucher
        var shown = await (await api.GetAsync($"/api/v1/vouchers/{VOUCHER}")).JsonAsync(HttpStatusCode.OK);
        shown.GetProperty("status").GetString().Should().Be("issued");
        shown.Cents("valueCents").Should().Be(2000);
        (await (await api.PostRawAsync($"/api/v1/vouchers/{VOUCHER}/redeem", "{}", $"redeem-{RUN}")).JsonAsync(HttpStatusCode.OK))
            .GetProperty("status").GetString().Should().Be("redeemed");
        var again = await (await api.PostRawAsync($"/api/v1/vouchers/{VOUCHER}/redeem", "{}", $"redeem-again-{RUN}")).ProblemAsync(HttpStatusCode.UnprocessableEntity, "code");
        again.GetProperty("type").GetString().Should().Be("urn:smartbis:problem:voucher_used");

        // Read back
        (await (await api.GetAsync($"/api/v1/customers/{CUSTOMER_ID}")).JsonAsync(HttpStatusCode.OK)).GetProperty("balance").Cents("pendingCents").Should().Be(267);
        var entries = await (await api.GetAsync($"/api/v1/customers/{CUSTOMER_ID}/entries?limit=20")).JsonAsync(HttpStatusCode.OK);
        entries.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).Should().Equal("reverse", "earn");
        var program = await (await api.GetAsync("/api/v1/program")).JsonAsync(HttpStatusCode.OK);
        program.GetProperty("pendingDays").GetInt32().Should().Be(7);
        program.GetProperty("excludedCategories")[0].GetString().Should().Be("prescription");
    }
}
