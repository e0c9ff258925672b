using System.Net;
using FluentAssertions.Execution;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;

namespace Smartbis.Tests.Api;

/// <summary>Bad input gets the right 4xx with the field named, and changes nothing in the database.</summary>
public sealed class ApiBadInputTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    [Fact]
    public async Task Each_bad_input_gets_the_right_status_and_field_and_the_database_is_unchanged()
    {
        var t = await NewTenantAsync(ApiKit.VoucherRules());
        var api = Fixture.ApiClient(await t.CreateKeyAsync(t.StoreId));
        var customer = await t.EnrollAsync();
        var purchase = await t.BuyAsync(customer, 200_00); // 10,00 → a voucher
        await t.IssueVouchersAsync();
        var used = (await t.VouchersAsync(customer)).Single().Code;
        await t.RedeemVoucherAsync(used);
        await t.BuyAsync(customer, 60_00); // 3,00 available
        var c = customer.ToString();
        string P(string rest) => "{\"customer\":{\"id\":\"" + c + "\"},\"receiptNumber\":\"B-1\"" + rest + "}";

        var cases = new (string What, string Path, string Json, HttpStatusCode Status, string? Field)[]
        {
            ("negative amount", "/api/v1/purchases", P(",\"amountCents\":-100"), HttpStatusCode.UnprocessableEntity, "amountCents"),
            ("zero amount", "/api/v1/purchases", P(",\"amountCents\":0"), HttpStatusCode.UnprocessableEntity, "amountCents"),
            ("huge amount", "/api/v1/purchases", P(",\"amountCents\":1000000000000"), HttpStatusCode.UnprocessableEntity, "amountCents"),
            ("amount beyond 64 bits", "/api/v1/purchases", P(",\"amountCents\":99999999999999999999"), HttpStatusCode.BadRequest, "amountCents"),
            ("fractional amount", "/api/v1/purchases", P(",\"amountCents\":10.5"), HttpStatusCode.BadRequest, "amountCents"),
            ("amount as a string", "/api/v1/purchases", P(",\"amountCents\":\"1000\""), HttpStatusCode.BadRequest, "amountCents"),
            ("missing amount", "/api/v1/purchases", P(""), HttpStatusCode.UnprocessableEntity, "amountCents"),
            ("missing customer", "/api/v1/purchases", "{\"amountCents\":1000,\"receiptNumber\":\"B-1\"}", HttpStatusCode.UnprocessableEntity, "customer"),
            ("two customer identifiers", "/api/v1/purchases", "{\"customer\":{\"id\":\"" + c + "\",\"phone\":\"+5511999990000\"},\"amountCents\":1000,\"receiptNumber\":\"B-1\"}", HttpStatusCode.UnprocessableEntity, "customer"),
            ("missing receipt", "/api/v1/purchases", "{\"customer\":{\"id\":\"" + c + "\"},\"amountCents\":1000}", HttpStatusCode.UnprocessableEntity, "receiptNumber"),
            ("customer id not a uuid", "/api/v1/purchases", "{\"customer\":{\"id\":\"42\"},\"amountCents\":1000,\"receiptNumber\":\"B-1\"}", HttpStatusCode.BadRequest, "customer.id"),
            ("invalid phone", "/api/v1/purchases", "{\"customer\":{\"phone\":\"12\"},\"amountCents\":1000,\"receiptNumber\":\"B-1\"}", HttpStatusCode.UnprocessableEntity, "customer"),
            ("malformed JSON", "/api/v1/purchases", "{\"amountCents\": 10", HttpStatusCode.BadRequest, null),
            ("not an object", "/api/v1/purchases", "[1,2]", HttpStatusCode.BadRequest, null),
            ("empty body", "/api/v1/purchases", "", HttpStatusCode.BadRequest, null),
            ("1 MB body", "/api/v1/purchases", P(",\"amountCents\":1000,\"pad\":\"" + new string('x', 1024 * 1024) + "\""), HttpStatusCode.RequestEntityTooLarge, null),
            ("unknown customer", "/api/v1/purchases", "{\"customer\":{\"id\":\"" + Guid.NewGuid() + "\"},\"amountCents\":1000,\"receiptNumber\":\"B-1\"}", HttpStatusCode.NotFound, null),
            ("used voucher", "/api/v1/purchases", P(",\"amountCents\":5000,\"voucherCode\":\"" + used + "\""), HttpStatusCode.UnprocessableEntity, "voucherCode"),
            ("redeem above the balance", "/api/v1/purchases", P(",\"amountCents\":5000,\"redeemCents\":4000"), HttpStatusCode.UnprocessableEntity, "redeemCents"),
            ("negative redeem", "/api/v1/purchases", P(",\"amountCents\":5000,\"redeemCents\":-1"), HttpStatusCode.UnprocessableEntity, "redeemCents"),
            ("items that do not add up", "/api/v1/purchases", P(",\"amountCents\":5000,\"items\":[{\"category\":\"a\",\"amountCents\":100}]"), HttpStatusCode.UnprocessableEntity, "items"),
            ("unknown store", "/api/v1/purchases", P(",\"amountCents\":5000,\"storeId\":\"" + Guid.NewGuid() + "\""), HttpStatusCode.Forbidden, null),
            ("refund: negative", $"/api/v1/purchases/{purchase.PurchaseId}/refunds", "{\"amountCents\":-5,\"reason\":\"x\"}", HttpStatusCode.UnprocessableEntity, "amountCents"),
            ("refund: above the purchase", $"/api/v1/purchases/{purchase.PurchaseId}/refunds", "{\"amountCents\":20001,\"reason\":\"x\"}", HttpStatusCode.UnprocessableEntity, "amountCents"),
            ("refund: no reason", $"/api/v1/purchases/{purchase.PurchaseId}/refunds", "{\"amountCents\":100}", HttpStatusCode.UnprocessableEntity, "reason"),
            ("refund: wrong type", $"/api/v1/purchases/{purchase.PurchaseId}/refunds", "{\"amountCents\":true,\"reason\":\"x\"}", HttpStatusCode.BadRequest, "amountCents"),
            ("enrol: bad email", "/api/v1/customers", "{\"name\":\"A\",\"email\":\"not-an-email\"}", HttpStatusCode.UnprocessableEntity, "email"),
            ("enrol: bad CPF", "/api/v1/customers", "{\"name\":\"A\",\"phone\":\"+5511988887777\",\"cpf\":\"123.456.789-00\"}", HttpStatusCode.UnprocessableEntity, "cpf"),
            ("enrol: bad birth date", "/api/v1/customers", "{\"name\":\"A\",\"phone\":\"+5511988887777\",\"birthDate\":\"17/05/1990\"}", HttpStatusCode.BadRequest, "birthDate"),
            ("enrol: future birth date", "/api/v1/customers", "{\"name\":\"A\",\"phone\":\"+5511988887777\",\"birthDate\":\"2999-01-01\"}", HttpStatusCode.UnprocessableEntity, "birthDate"),
            ("enrol: unknown referral", "/api/v1/customers", "{\"name\":\"A\",\"phone\":\"+5511988887777\",\"referralCode\":\"ZZZZ\"}", HttpStatusCode.UnprocessableEntity, "referralCode"),
            ("redeem: used voucher", $"/api/v1/vouchers/{used}/redeem", "{}", HttpStatusCode.UnprocessableEntity, "code"),
        };

        var before = (await t.RowCountsAsync(), await t.BalancesAsync(customer), await t.WithDbAsync(db => db.Customers.CountAsync()),
            await t.WithDbAsync(db => db.PurchaseRefunds.CountAsync()));
        using (new AssertionScope())
        {
            foreach (var (what, path, json, status, field) in cases)
            {
                var response = await api.PostRawAsync(path, json, "bad-" + Guid.NewGuid());
                var text = await response.Content.ReadAsStringAsync();
                response.StatusCode.Should().Be(status, "{0}: {1}", what, text);
                response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json", what);
                if (field is not null) text.Should().Contain($"\"{field}\":[", "{0} should name the field {1}", what, field);
            }
        }
        var after = (await t.RowCountsAsync(), await t.BalancesAsync(customer), await t.WithDbAsync(db => db.Customers.CountAsync()),
            await t.WithDbAsync(db => db.PurchaseRefunds.CountAsync()));
        after.Should().Be(before, "refused requests write nothing");
    }
}
