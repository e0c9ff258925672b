using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Rewards;

namespace Smartbis.Web.Api.V1;

/// <summary>The reward catalogue of a points program (docs/api.md, "Rewards"): list it, redeem a reward for a customer.</summary>
public static class RewardsApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/rewards", ListAsync).WithTags("Rewards").WithName("listRewards")
            .WithSummary("The reward catalogue: every reward not archived, with its cost in points and whether it can be redeemed now")
            .Produces<RewardsPage>().ProducesProblems();
        api.MapPost("/customers/{id:guid}/rewards/{rewardId:guid}/redeem", RedeemAsync).WithTags("Rewards").WithName("redeemReward")
            .WithSummary("Redeem a reward for a customer: spends its points and returns the claim code the customer shows at the counter")
            .Accepts<RedeemRewardBody>("application/json").Produces<RewardClaimDto>(201).Idempotent().ProducesProblems(403, 409);
    }

    private static readonly Dictionary<string, string> Fields = new() { ["idempotencyKey"] = ApiIdempotency.Header };

    private static async Task<IResult> ListAsync(SmartbisDb db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var rewards = await db.Rewards.AsNoTracking().Where(r => r.ArchivedAt == null).OrderBy(r => r.CostPoints).ThenBy(r => r.Name).ToListAsync(ct);
        return Results.Json(new RewardsPage(rewards.Select(r => RewardDto.Of(r, now)).ToList()), ApiJson.Options);
    }

    private static async Task<IResult> RedeemAsync(HttpContext http, Guid id, Guid rewardId, RedeemReward redeem, SmartbisDb db, CancellationToken ct)
    {
        http.Items[ApiProblemFilter.FieldNamesKey] = Fields;
        var key = ApiIdempotency.Key(http);
        var b = http.Request.ContentLength is 0 || (http.Request.ContentLength is null && !http.Request.Headers.ContainsKey("Transfer-Encoding"))
            ? new RedeemRewardBody(null)
            : await ApiJson.ReadAsync<RedeemRewardBody>(http);
        var storeId = b.StoreId ?? ApiCaller.StoreId(http);
        if (storeId is { } s) ApiCaller.RequireStore(http, s);
        var actor = new AuditActor(null, $"API key {ApiCaller.KeyId(http)}", storeId, http.Connection.RemoteIpAddress?.ToString());
        var type = await Features.Programs.RewardUnits.OfTenantAsync(db, ct); // before the write: the answer comes from the stored result
        var result = await redeem.ExecuteAsync(new RedeemReward.Request(id, rewardId, key, ApiIdempotency.Source, storeId), actor, ct);
        ApiIdempotency.MarkReplayed(http, result.Replayed);
        var r = result.Value;
        return Results.Json(new RewardClaimDto(r.ClaimId, r.RewardId, r.RewardName, r.CustomerId, r.Code, r.CostPoints, "claimed",
            r.ClaimedAt.UtcDateTime, r.ExpiresAt.UtcDateTime, BalanceDto.Of(r.Balances, type)), ApiJson.Options, statusCode: 201);
    }
}

public sealed record RewardDto(
    Guid Id, string Name, string? Description, string? ImageUrl, long CostPoints, string Kind, long? ValueCents, int? Stock,
    int? PerCustomerLimit, DateTime? StartsAt, DateTime? EndsAt, IReadOnlyList<Guid> StoreIds, int ClaimDays, bool ReturnPointsOnExpiry,
    string Availability)
{
    public static RewardDto Of(Reward r, DateTimeOffset now) => new(r.Id, r.Name, r.Description, r.ImageUrl, r.CostPoints,
        r.Kind.ToString().ToLowerInvariant(), r.ValueCents, r.Stock, r.PerCustomerLimit, r.StartsAt?.UtcDateTime, r.EndsAt?.UtcDateTime, r.StoreIds,
        r.ClaimDays, r.ReturnPointsOnExpiry, NameOf(r.AvailabilityAt(now)));

    private static string NameOf(RewardAvailability a) => a switch
    {
        RewardAvailability.Available => "available",
        RewardAvailability.NotStarted => "not_started",
        RewardAvailability.Ended => "ended",
        RewardAvailability.OutOfStock => "out_of_stock",
        RewardAvailability.NotAtStore => "not_at_store",
        _ => "archived",
    };
}

public sealed record RewardsPage(IReadOnlyList<RewardDto> Items);

public sealed record RedeemRewardBody(Guid? StoreId);

public sealed record RewardClaimDto(Guid Id, Guid RewardId, string RewardName, Guid CustomerId, string Code, long CostPoints, string Status,
    DateTime ClaimedAt, DateTime ExpiresAt, BalanceDto Balance);
