using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Purchases;

namespace Smartbis.Web.Features.Referrals;

/// <summary>
/// Runs inside <see cref="RecordPurchase"/>'s transaction, after the purchase is booked, so the purchase and the
/// referral rewards commit together. A referred member qualifies with their first purchase at or above the
/// program's minimum: the referrer earns the referral reward (within the monthly cap per referrer) and the referee
/// the referee reward. Decided once per referee (the referrals row); self-referral and customers already known
/// before they were referred earn nothing.
/// </summary>
public static class QualifyReferral
{
    public const string ReferralRewarded = "referral.rewarded";
    /// <summary>The referee's reward entry (a WelcomeBonus entry): shown to them as a referral welcome, not the program's welcome bonus.</summary>
    public const string RefereeRewardReason = "Welcome reward for joining through a friend's invitation";

    public static async Task OnPurchaseAsync(Books books, Customer referee, Account refereeAccount, Purchase purchase, ProgramRules rules, CancellationToken ct = default)
    {
        if (referee.ReferredByCustomerId is not { } referrerId || !referee.IsClaimed) return;
        if (rules.ReferrerRewardCents <= 0 && rules.RefereeRewardCents <= 0) return; // the program has no referral rewards
        if (purchase.AmountCents < rules.ReferralMinPurchaseCents) return;           // may still qualify with a later one
        var db = books.Db;
        if (await db.Set<Referral>().AnyAsync(r => r.RefereeId == referee.Id, ct)) return;

        var now = books.Now;
        var referral = new Referral { RefereeId = referee.Id, ReferrerId = referrerId, PurchaseId = purchase.Id, DecidedAt = now };
        db.Add(referral); // a concurrent decision on the same referee fails on the key; the unit retries and stops above

        var referrer = await db.Customers.SingleAsync(c => c.Id == referrerId, ct);
        if (IsSamePerson(referrer, referee))
        {
            (referral.Outcome, referral.Note) = (ReferralOutcome.NotQualified, "Self-referral: same person as the referrer");
            return;
        }
        // A walk-in who bought before joining was already the merchant's customer: the referral brought no one new.
        if (referee.CreatedAt < referee.JoinedAt)
        {
            (referral.Outcome, referral.Note) = (ReferralOutcome.NotQualified, "Already a customer before being referred");
            return;
        }

        referral.Outcome = ReferralOutcome.Rewarded;
        if (rules.ReferrerRewardCents > 0 && referrer.Status == CustomerStatus.Active)
        {
            // Lock order: the referee's account (taken by the purchase), then the referrer's. The lock also
            // serializes the cap count of one referrer's referees qualifying at the same time.
            var referrerAccount = await books.LockAsync(referrerId, ct);
            if (await UnderCapAsync(db, referrerId, rules, now, ct))
            {
                referral.ReferrerRewardCents = rules.ReferrerRewardCents;
                books.Credit(referrerAccount, EntryKind.ReferralBonus, rules.ReferrerRewardCents,
                    $"Referral reward: {FirstName(referee.Name)} joined through you and made a first purchase", now, rules.ExpiryDays,
                    ruleVersion: rules.Version, text: EntryText.ReferralBonus(FirstName(referee.Name)));
            }
            else
            {
                (referral.Outcome, referral.Note) = (ReferralOutcome.CapReached, $"Monthly cap of {rules.ReferralMonthlyCap} referral rewards reached");
            }
        }
        if (rules.RefereeRewardCents > 0)
        {
            referral.RefereeRewardCents = rules.RefereeRewardCents;
            books.Credit(refereeAccount, EntryKind.WelcomeBonus, rules.RefereeRewardCents,
                RefereeRewardReason, now, rules.ExpiryDays, ruleVersion: rules.Version,
                text: EntryText.ReferralWelcome);
        }
        books.Emit(ReferralRewarded, referrerId, referee.Id, new
        {
            referrerId, refereeId = referee.Id, purchaseId = purchase.Id,
            referrerRewardCents = referral.ReferrerRewardCents, refereeRewardCents = referral.RefereeRewardCents,
        });
    }

    /// <summary>Same id, phone, email or CPF: the same person cannot refer themselves.</summary>
    public static bool IsSamePerson(Customer a, Customer b) =>
        a.Id == b.Id ||
        (a.Phone is not null && a.Phone == b.Phone) ||
        (a.Email is not null && a.Email == b.Email) ||
        (a.Cpf is not null && a.Cpf == b.Cpf);

    /// <summary>The referrer has earned fewer rewards than the cap in this calendar month (UTC); a cap of 0 means no limit.</summary>
    private static async Task<bool> UnderCapAsync(Data.SmartbisDb db, Guid referrerId, ProgramRules rules, DateTimeOffset now, CancellationToken ct)
    {
        if (rules.ReferralMonthlyCap <= 0) return true;
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var rewarded = await db.Set<Referral>().CountAsync(r => r.ReferrerId == referrerId && r.DecidedAt >= monthStart && r.ReferrerRewardCents > 0, ct);
        return rewarded < rules.ReferralMonthlyCap;
    }

    private static string FirstName(string name)
    {
        var trimmed = name.Trim();
        var space = trimmed.IndexOf(' ');
        return space > 0 ? trimmed[..space] : trimmed.Length > 0 ? trimmed : "A friend";
    }
}
