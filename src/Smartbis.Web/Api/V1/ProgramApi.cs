using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Programs;

namespace Smartbis.Web.Api.V1;

public static class ProgramApi
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/program", GetAsync).WithTags("Program").WithName("getProgram").WithSummary("The program rules in force now")
            .Produces<ProgramDto>().ProducesProblems();

    private static async Task<IResult> GetAsync(SmartbisDb db, TimeProvider clock, CancellationToken ct)
    {
        var tenantId = db.Tenant.Require();
        var r = await RulesInForce.AtAsync(db, clock.GetUtcNow(), ct);
        var t = await db.Tenants.Where(x => x.Id == tenantId).Select(x => new { x.CurrencyCode, x.CurrencyName }).SingleAsync(ct);
        return Results.Json(new ProgramDto(r.Version, r.EffectiveFrom.UtcDateTime, CustomersApi.SnakeCase(r.RewardType.ToString()), r.EarnRateBps,
            r.MinPurchaseCents, r.MaxEarnPerPurchaseCents, r.ExcludedCategories, r.PendingDays, r.ExpiryDays, r.MinRedeemBalanceCents,
            r.MaxRedeemShareBps, CustomersApi.SnakeCase(r.VoucherMode.ToString()), r.VoucherThresholdCents, r.VoucherValidityDays,
            r.ReferrerRewardCents, r.RefereeRewardCents, r.ReferralMinPurchaseCents, r.ReferralMonthlyCap, r.WelcomeBonusCents,
            r.BirthdayBonusCents,
            r.Boosts.Select(x => new BoostDto(x.Name, x.RateBps, x.StartsOn, x.EndsOn, x.Weekdays.Select(d => d.ToString().ToLowerInvariant()).ToList(),
                x.PointsPerCurrencyUnit)).ToList(),
            t.CurrencyCode, t.CurrencyName, r.PointsPerCurrencyUnit, r.CostPerPointCents), ApiJson.Options);
    }
}
