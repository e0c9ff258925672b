using Smartbis.Web.Features.Ledger;

namespace Smartbis.Web.Api.V1;

// The API's JSON shapes (docs/api.md). Amounts are minor units (*Cents), times UTC. Ledger amounts (balances, entries, earned,
// bonuses, caps) are in the program's unit: cents for cashback, whole points for a points program (GET /program: reward_type).

public sealed record BalanceDto(long AvailableCents, long PendingCents, long ClawbackCents)
{
    public static BalanceDto Of(Balances b) => new(b.AvailableCents, b.PendingCents, b.ClawbackCents);
}

public sealed record CustomerVoucherDto(string Code, long ValueCents, string Status, DateTime ExpiresAt);

public sealed record CustomerDto(
    Guid Id, string Name, string? Phone, string? Email, string CardCode, string Status, string ReferralCode,
    BalanceDto Balance, IReadOnlyList<CustomerVoucherDto> Vouchers, TierDto? Tier = null, IReadOnlyList<ChallengeProgressDto>? Challenges = null);

/// <summary>
/// The customer's level (null when the merchant has no tiers): qualifying is cents of spend or points earned over the
/// rolling window (measure "spend" / "points_earned"); toKeep is what is missing by nextReviewAt to keep the level.
/// </summary>
public sealed record TierDto(string Level, int Rank, int MultiplierBps, string Perks, string Measure, long Qualifying,
    string? NextLevel, long? ToNextLevel, DateTime NextReviewAt, long ToKeep);

/// <summary>A running challenge (or one completed in the last 30 days): target and progress in purchases or cents; bonus in the program's unit.</summary>
public sealed record ChallengeProgressDto(Guid Id, string Name, string Kind, long Target, long Progress, long Bonus, Guid? StoreId,
    DateTime StartsAt, DateTime EndsAt, bool Completed, DateTime? CompletedAt);

public sealed record ConsentsBody(bool? Email, bool? Whatsapp);

public sealed record CreateCustomerBody(
    string? Name, string? Phone, string? Email, DateOnly? BirthDate, string? Cpf, ConsentsBody? Consents, string? ReferralCode);

public sealed record EntryDto(
    Guid Id, string Kind, long AmountCents, string Bucket, string Reason, DateTime OccurredAt,
    Guid? PurchaseId, string? VoucherCode, DateTime? ExpiresAt);

public sealed record EntriesPage(IReadOnlyList<EntryDto> Items, string? NextCursor);

public sealed record CustomerRef(Guid? Id, string? Phone, string? Email, string? CardCode);

public sealed record PurchaseItem(string? Category, long? AmountCents);

public sealed record CreatePurchaseBody(
    CustomerRef? Customer, long? AmountCents, string? ReceiptNumber, DateTimeOffset? OccurredAt, Guid? StoreId,
    IReadOnlyList<PurchaseItem>? Items, long? RedeemCents, string? VoucherCode);

public sealed record PurchaseDto(
    Guid Id, Guid CustomerId, long AmountCents, long RedeemedCents, long VoucherCents, long PaidCents, long EarnedCents,
    string EarnedStatus, DateTime? AvailableAt, BalanceDto Balance);

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
