using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Ledger;

public enum BonusKind { Referral, Welcome, Birthday }

/// <summary>
/// Credits a bonus (referral, welcome, birthday): the amount from the rules in force unless given. The
/// idempotency key is the natural one ("birthday:{customer}:{year}", "referral:{referee}") so a bonus is granted once.
/// </summary>
public sealed class GrantBonus(LedgerUnit unit, TenantContext tenant, TimeProvider clock)
{
    public sealed record Request(Guid CustomerId, BonusKind Kind, string IdempotencyKey, long? AmountCents = null, string? Reason = null);
    public sealed record Result(long GrantedCents, Balances Balances);

    public async Task<Idempotent<Result>> ExecuteAsync(Request r, CancellationToken ct = default)
    {
        var v = new Validation();
        Idempotency.ValidateKey(r.IdempotencyKey, v);
        v.Check(r.AmountCents is null or > 0, "amountCents", "bonus_positive");
        v.ThrowIfInvalid();
        var write = new IdempotentWrite("job", r.IdempotencyKey, "grant_bonus", Idempotency.Hash(r with { IdempotencyKey = "" }));
        return await unit.RunOnceAsync(tenant.Require(), write, clock, async (db, now) =>
        {
            var books = new Books(db, now);
            var account = await books.LockAsync(r.CustomerId, ct);
            await AdjustBalance.RefuseDeletedAsync(db, r.CustomerId, ct);
            var rules = await RulesInForce.AtAsync(db, now, ct);
            var (kind, amount, words, text) = r.Kind switch
            {
                BonusKind.Referral => (EntryKind.ReferralBonus, r.AmountCents ?? rules.ReferrerRewardCents, "Referral reward", EntryText.ReferralBonusOther),
                BonusKind.Welcome => (EntryKind.WelcomeBonus, r.AmountCents ?? rules.WelcomeBonusCents, "Welcome bonus for joining the program", EntryText.WelcomeBonus),
                _ => (EntryKind.BirthdayBonus, r.AmountCents ?? rules.BirthdayBonusCents, "Happy birthday! A gift from us", EntryText.BirthdayBonus),
            };
            if (amount <= 0) throw new OperationFailed("no_bonus", "no_bonus", "kind");
            books.Credit(account, kind, amount, r.Reason ?? words, now, rules.ExpiryDays, ruleVersion: rules.Version,
                text: r.Reason is null ? text : EntryText.Note(r.Reason));
            books.Emit(Events.BonusGranted, r.CustomerId, null, new { kind = r.Kind.ToString().ToLowerInvariant(), amountCents = amount });
            return new Result(amount, Balances.Of(account));
        }, ct);
    }
}
