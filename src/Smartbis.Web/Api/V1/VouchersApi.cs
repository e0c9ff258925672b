using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Vouchers;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Api.V1;

public static class VouchersApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/vouchers").WithTags("Vouchers");
        g.MapGet("/{code}", GetAsync).WithName("getVoucher").WithSummary("A voucher by its code (hyphens and case do not matter)")
            .Produces<VoucherDto>().ProducesProblems();
        g.MapPost("/{code}/redeem", RedeemAsync).WithName("redeemVoucher").WithSummary("Redeem a voucher once")
            .Accepts<RedeemVoucherBody>("application/json").Produces<VoucherDto>().Idempotent().ProducesProblems();
    }

    public static string StatusName(VoucherStatus s) => s.ToString().ToLowerInvariant();

    private static readonly Dictionary<string, string> Fields = new() { ["voucherCode"] = "code", ["idempotencyKey"] = ApiIdempotency.Header };

    private static async Task<IResult> GetAsync(SmartbisDb db, string code, CancellationToken ct)
    {
        var normalized = Codes.Normalize(code);
        var v = await db.Vouchers.Where(x => x.Code == normalized).Select(x => new { x.Code, x.ValueCents, x.Status, x.ExpiresAt, x.CustomerId })
                    .SingleOrDefaultAsync(ct) ?? throw NotFound();
        return Results.Json(new VoucherDto(Codes.Display(v.Code), v.ValueCents, StatusName(v.Status), v.ExpiresAt.UtcDateTime, v.CustomerId), ApiJson.Options);
    }

    private static async Task<IResult> RedeemAsync(HttpContext http, string code, RedeemVoucher redeem, SmartbisDb db, CancellationToken ct)
    {
        http.Items[ApiProblemFilter.FieldNamesKey] = Fields;
        var key = ApiIdempotency.Key(http);
        var b = http.Request.ContentLength is 0 || (http.Request.ContentLength is null && !http.Request.Headers.ContainsKey("Transfer-Encoding"))
            ? new RedeemVoucherBody(null)
            : await ApiJson.ReadAsync<RedeemVoucherBody>(http);
        var result = await redeem.ExecuteAsync(new RedeemVoucher.Request(code, null, key, b.PurchaseId?.ToString(), ApiIdempotency.Source), ct);
        var r = result.Value;
        var expiresAt = await db.Vouchers.Where(x => x.Id == r.VoucherId).Select(x => x.ExpiresAt).SingleAsync(ct); // never changes
        ApiIdempotency.MarkReplayed(http, result.Replayed);
        return Results.Json(new VoucherDto(r.Code, r.ValueCents, StatusName(VoucherStatus.Redeemed), expiresAt.UtcDateTime, r.CustomerId), ApiJson.Options);
    }

    private static ApiProblem NotFound() => new(404, "voucher_not_found", ErrorTexts.English(ErrorText.Of("voucher_not_found")));
}
