using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;

namespace Smartbis.Web.Api.V1;

// The API's JSON shapes (docs/api.md). Amounts are minor units (*Cents), times UTC. Ledger amounts (balances, entries, earned,
// bonuses, caps) are in the program's unit: cents for cashback, whole points for a points program (GET /program: rewardType).
// Every response that carries ledger amounts says which: rewardType ("cashback" / "points") and unit ("cents" / "points": the
// unit of that object's ledger *Cents fields; purchase money and voucher values are always cents).

/// <summary>The API's names for the program's reward type and the unit its ledger amounts are in.</summary>
public static class ApiUnits
{
    public static string RewardType(RewardType type) => RewardUnits.Code(type);

    /// <summary>"points" for a points program's ledger amounts, else "cents".</summary>
    public static string Unit(RewardType type) => type == Features.Programs.RewardType.Points ? "points" : "cents";
}

/// <summary>A customer's balances in the program's unit: <c>unit</c> says whether the *Cents fields hold cents or whole points.</summary>
public sealed record BalanceDto(long AvailableCents, long PendingCents, long ClawbackCents, string RewardType, string Unit)
{
    public static BalanceDto Of(Balances b, RewardType type) => Of(b.AvailableCents, b.PendingCents, b.ClawbackCents, type);

    public static BalanceDto Of(long available, long pending, long clawback, RewardType type) =>
        new(available, pending, clawback, ApiUnits.RewardType(type), ApiUnits.Unit(type));
}

public sealed record CustomerVoucherDto(string Code, long ValueCents, string Status, DateTime ExpiresAt);

public sealed record CustomerDto(
    Guid Id, string Name, string? Phone, string? Email, string CardCode, string Status, string ReferralCode, string RewardType,
    BalanceDto Balance, IReadOnlyList<CustomerVoucherDto> Vouchers, TierDto? Tier = null, IReadOnlyList<ChallengeProgressDto>? Challenges = null);

/// <summary>
/// The customer's level (null when the merchant has no tiers): qualifying is cents of spend or points earned over the
/// rolling window (measure "spend" / "points_earned"); toKeep is what is missing by nextReviewAt to keep the level.
/// <c>unit</c> is the unit of qualifying, toNextLevel and toKeep: "cents" for spend, the program's unit for points_earned
/// ("points" for a points program, "cents" of cashback earned for a cashback one).
/// </summary>
public sealed record TierDto(string Level, int Rank, int MultiplierBps, string Perks, string Measure, long Qualifying,
    string? NextLevel, long? ToNextLevel, DateTime NextReviewAt, long ToKeep, string Unit);

/// <summary>
/// A running challenge (or one completed in the last 30 days): target and progress in purchases or cents; bonus in the
/// program's unit, which <c>unit</c> names ("cents" or "points").
/// </summary>
public sealed record ChallengeProgressDto(Guid Id, string Name, string Kind, long Target, long Progress, long Bonus, Guid? StoreId,
    DateTime StartsAt, DateTime EndsAt, bool Completed, DateTime? CompletedAt, string Unit);

public sealed record ConsentsBody(bool? Email, bool? Whatsapp);

public sealed record CreateCustomerBody(
    string? Name, string? Phone, string? Email, DateOnly? BirthDate, string? Cpf, ConsentsBody? Consents, string? ReferralCode);

/// <summary>One ledger entry: <c>unit</c> is the unit of amountCents ("points" for a points program's balances; a voucher entry is always "cents").</summary>
public sealed record EntryDto(
    Guid Id, string Kind, long AmountCents, string Bucket, string Reason, DateTime OccurredAt,
    Guid? PurchaseId, string? VoucherCode, DateTime? ExpiresAt, string RewardType, string Unit);

public sealed record EntriesPage(IReadOnlyList<EntryDto> Items, string? NextCursor);

public sealed record CustomerRef(Guid? Id, string? Phone, string? Email, string? CardCode);

public sealed record PurchaseItem(string? Category, long? AmountCents);

public sealed record CreatePurchaseBody(
    CustomerRef? Customer, long? AmountCents, string? ReceiptNumber, DateTimeOffset? OccurredAt, Guid? StoreId,
    IReadOnlyList<PurchaseItem>? Items, long? RedeemCents, string? VoucherCode);

/// <summary>A recorded purchase: amounts paid are cents; earnedCents is in <c>unit</c> (cents, or whole points for a points program).</summary>
public sealed record PurchaseDto(
    Guid Id, Guid CustomerId, long AmountCents, long RedeemedCents, long VoucherCents, long PaidCents, long EarnedCents,
    string EarnedStatus, DateTime? AvailableAt, BalanceDto Balance, string RewardType, string Unit);

public sealed record CreateRefundBody(long? AmountCents, string? Reason);

public sealed record RefundDto(
    Guid Id, Guid PurchaseId, long AmountCents, long ReversedCents, long ClawbackCents, long ReturnedCreditCents, long MoneyToReturnCents,
    BalanceDto Balance);

public sealed record VoucherDto(string Code, long ValueCents, string Status, DateTime ExpiresAt, Guid CustomerId);

public sealed record RedeemVoucherBody(Guid? PurchaseId);

public sealed record BoostDto(string Name, int RateBps, DateOnly? StartsOn, DateOnly? EndsOn, IReadOnlyList<string> Weekdays,
    int PointsPerCurrencyUnit);

public sealed record ProgramDto(
    int Version, DateTime EffectiveFrom, string RewardType, int EarnRateBps, long MinPurchaseCents, long? MaxEarnPerPurchaseCents,
    IReadOnlyList<string> ExcludedCategories, int PendingDays, int? ExpiryDays, long MinRedeemBalanceCents, int MaxRedeemShareBps,
    string VoucherMode, long VoucherThresholdCents, int VoucherValidityDays, long ReferrerRewardCents, long RefereeRewardCents,
    long ReferralMinPurchaseCents, int ReferralMonthlyCap, long WelcomeBonusCents, long BirthdayBonusCents,
    IReadOnlyList<BoostDto> Boosts, string CurrencyCode, string CurrencyName, int PointsPerCurrencyUnit, long CostPerPointCents);

/// <summary>Problem details as documented (for the OpenAPI document; responses are written by ApiProblems).</summary>
public sealed record ProblemDto(string Type, string Title, int Status, string Detail, string Code, string RequestId,
    IReadOnlyDictionary<string, string[]>? Errors);
