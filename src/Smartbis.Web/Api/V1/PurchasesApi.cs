using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Purchases;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Api.V1;

public static class PurchasesApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/purchases").WithTags("Purchases");
        g.MapPost("/", RecordAsync).WithName("recordPurchase").WithSummary("Record a purchase (earns cashback; may pay with cashback or a voucher)")
            .Accepts<CreatePurchaseBody>("application/json").Produces<PurchaseDto>(201).Idempotent().ProducesProblems(403, 409);
        g.MapPost("/{id:guid}/refunds", RefundAsync).WithName("refundPurchase").WithSummary("Refund all or part of a purchase")
            .Accepts<CreateRefundBody>("application/json").Produces<RefundDto>(201).Idempotent().ProducesProblems(403);
    }

    // Operation fields → the API's JSON names.
    private static readonly Dictionary<string, string> PurchaseFields = new()
    {
        ["payWithCashbackCents"] = "redeemCents", ["lines"] = "items", ["phone"] = "customer", ["customerId"] = "customer",
        ["idempotencyKey"] = ApiIdempotency.Header,
    };

    private static readonly Dictionary<string, string> RefundFields = new() { ["idempotencyKey"] = ApiIdempotency.Header };

    private static async Task<IResult> RecordAsync(HttpContext http, RecordPurchase record, SmartbisDb db, CancellationToken ct)
    {
        http.Items[ApiProblemFilter.FieldNamesKey] = PurchaseFields;
        var key = ApiIdempotency.Key(http);
        var b = await ApiJson.ReadAsync<CreatePurchaseBody>(http);

        var v = new Validation();
        var c = b.Customer;
        var refs = c is null ? 0 : new object?[] { c.Id, c.Phone, c.Email, c.CardCode }.Count(x => x is not null && x as string != "");
        v.Check(refs == 1, "customer", "customer_reference");
        v.Check(b.AmountCents is not null, "amountCents", "amount_cents_required");
        v.Check(!string.IsNullOrWhiteSpace(b.ReceiptNumber), "receiptNumber", "receipt_required");
        var storeId = b.StoreId ?? ApiCaller.StoreId(http);
        v.Check(storeId is not null, "storeId", "store_required");
        v.Check(b.Items is null || b.Items.All(i => i.AmountCents is not null && i.Category is not null), "items", "item_incomplete");
        v.ThrowIfInvalid();
        ApiCaller.RequireStore(http, storeId!.Value);

        // Email and card code are resolved here; an id or a phone goes to the operation (a new phone is a walk-in).
        var customerId = c!.Id;
        if (!string.IsNullOrEmpty(c.Email))
        {
            var email = Emails.Normalize(c.Email) ?? throw Invalid("customer", "email_invalid");
            customerId = await db.Customers.Where(x => x.Email == email).Select(x => (Guid?)x.Id).SingleOrDefaultAsync(ct) ?? throw CustomersApi.NotFound();
        }
        else if (!string.IsNullOrEmpty(c.CardCode))
        {
            var code = Codes.Normalize(c.CardCode);
            customerId = await db.Customers.Where(x => x.CardCode == code).Select(x => (Guid?)x.Id).SingleOrDefaultAsync(ct) ?? throw CustomersApi.NotFound();
        }

        var request = new RecordPurchase.Request(storeId.Value, customerId, customerId is null ? c.Phone : null, b.AmountCents!.Value, b.ReceiptNumber, key,
            b.OccurredAt, b.RedeemCents ?? 0, string.IsNullOrWhiteSpace(b.VoucherCode) ? null : b.VoucherCode,
            b.Items?.Select(i => new RecordPurchase.Line(i.Category!, i.AmountCents!.Value)).ToList(), Source: ApiIdempotency.Source);
        // Read before the write: the answer after the commit is built from the stored result only.
        var type = await Features.Programs.RewardUnits.OfTenantAsync(db, ct);
        // The key is claimed inside the purchase's own transaction (one connection, one commit per request).
        var result = await record.ExecuteAsync(request, ct);
        var r = result.Value;

        // A deterministic function of the stored result (and the purchase's immutable creation time): replays are identical.
        // Results stored before CreatedAt was part of them read it from the purchase.
        var createdAt = r.CreatedAt ?? await db.Purchases.Where(p => p.Id == r.PurchaseId).Select(p => p.CreatedAt).SingleAsync(ct);
        var pending = r.AvailableAt is { } at && at - createdAt > TimeSpan.FromSeconds(1);
        ApiIdempotency.MarkReplayed(http, result.Replayed);
        return Results.Json(new PurchaseDto(r.PurchaseId, r.CustomerId, r.AmountCents, r.PaidWithCashbackCents, r.PaidWithVoucherCents,
            r.PaidWithMoneyCents, r.EarnedCents, pending ? "pending" : "available", r.AvailableAt?.UtcDateTime, BalanceDto.Of(r.Balances, type),
            ApiUnits.RewardType(type), ApiUnits.Unit(type)),
            ApiJson.Options, statusCode: 201);
    }

    private static async Task<IResult> RefundAsync(HttpContext http, Guid id, RefundPurchase refund, SmartbisDb db, CancellationToken ct)
    {
        http.Items[ApiProblemFilter.FieldNamesKey] = RefundFields;
        var key = ApiIdempotency.Key(http);
        var b = await ApiJson.ReadAsync<CreateRefundBody>(http);
        var v = new Validation();
        v.Check(b.AmountCents is not null, "amountCents", "refund_cents_required");
        v.Check(!string.IsNullOrWhiteSpace(b.Reason), "reason", "reason_required");
        v.ThrowIfInvalid();
        var storeId = await db.Purchases.Where(p => p.Id == id).Select(p => (Guid?)p.StoreId).SingleOrDefaultAsync(ct)
                      ?? throw new ApiProblem(404, "not_found", "purchase_not_found");
        ApiCaller.RequireStore(http, storeId);

        var type = await Features.Programs.RewardUnits.OfTenantAsync(db, ct);
        var result = await refund.ExecuteAsync(new RefundPurchase.Request(id, b.AmountCents!.Value, b.Reason!, key, Source: ApiIdempotency.Source), ct);
        var r = result.Value;
        ApiIdempotency.MarkReplayed(http, result.Replayed);
        return Results.Json(new RefundDto(r.RefundId, r.PurchaseId, r.AmountCents, r.ReversedEarnCents, r.ClawbackCents, r.ReturnedCreditCents,
            r.MoneyToReturnCents, BalanceDto.Of(r.Balances, type)), ApiJson.Options, statusCode: 201);
    }

    private static ApiProblem Invalid(string field, string message) =>
        new(422, "validation", message, new Dictionary<string, string[]> { [field] = [message] });
}
