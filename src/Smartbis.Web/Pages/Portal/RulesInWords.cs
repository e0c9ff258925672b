using System.Globalization;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Pages.Portal;

/// <summary>
/// The program's current rules written out as a customer reads them ("5% of every purchase comes back as
/// LitoralCash, available 7 days after the purchase, valid for 90 days"). Only what the rules actually say.
/// </summary>
public static class RulesInWords
{
    /// <param name="today">The tenant's local date: boosts that ended before it are not shown.</param>
    /// <param name="categories">How the reader reads the excluded categories' codes (the merchant's names in their language).</param>
    public static List<string> Describe(ProgramRules r, Tenant t, DateOnly today, IStringLocalizer<PortalText> P, Features.Categories.CategoryNames? categories = null)
    {
        string M(long cents) => Infrastructure.Money.Format(cents, t.CurrencyCode, t.Locale);
        string U(long amount) => RewardUnits.Format(amount, r.RewardType, t); // a ledger amount: money or points
        string Pct(int bps) => (bps / 100m).ToString("0.##", CultureInfo.CurrentUICulture) + "%";
        var name = t.CurrencyName;
        var lines = new List<string>();

        var earn = r.IsPoints
            ? r.MinPurchaseCents > 0
                ? P["Earn {0} for every {1} you spend, on purchases of {2} or more", U(r.PointsPerCurrencyUnit), M(100), M(r.MinPurchaseCents)].Value
                : P["Earn {0} for every {1} you spend", U(r.PointsPerCurrencyUnit), M(100)].Value
            : r.MinPurchaseCents > 0
                ? P["{0} of every purchase of {1} or more comes back as {2}", Pct(r.EarnRateBps), M(r.MinPurchaseCents), name].Value
                : P["{0} of every purchase comes back as {1}", Pct(r.EarnRateBps), name].Value;
        earn += r.PendingDays > 0 ? P[", available {0} days after the purchase", r.PendingDays].Value : P[", available right away"].Value;
        earn += r.ExpiryDays is { } days ? P[", valid for {0} days.", days].Value : P[", and it does not expire."].Value;
        lines.Add(earn);

        if (r.MaxEarnPerPurchaseCents is { } cap) lines.Add(P["Up to {0} per purchase.", U(cap)]);
        if (r.ExcludedCategories.Count > 0) lines.Add(P["Not earned on: {0}.", categories?.List(r.ExcludedCategories) ?? string.Join(", ", r.ExcludedCategories)]);
        foreach (var boost in r.Boosts.Where(b => b.EndsOn is null || b.EndsOn >= today))
        {
            var when = boost.Weekdays.Count > 0
                ? string.Join(", ", boost.Weekdays.Select(d => CultureInfo.CurrentUICulture.DateTimeFormat.GetDayName(d)))
                : "";
            if (r.IsPoints)
                lines.Add(when.Length > 0
                    ? P["{0}: {1} for every {2} on {3}.", boost.Name, U(boost.PointsPerCurrencyUnit), M(100), when]
                    : P["{0}: {1} for every {2}.", boost.Name, U(boost.PointsPerCurrencyUnit), M(100)]);
            else
                lines.Add(when.Length > 0
                    ? P["{0}: {1} back on {2}.", boost.Name, Pct(boost.RateBps), when]
                    : P["{0}: {1} back.", boost.Name, Pct(boost.RateBps)]);
        }

        switch (r.VoucherMode)
        {
            case var _ when r.IsPoints: // points are spent on the reward catalogue, never as money at the counter
                lines.Add(P["Exchange your {0} for rewards from our catalogue.", name]);
                break;
            case VoucherMode.Threshold when r.VoucherThresholdCents > 0:
                lines.Add(P["Each time your balance reaches {0}, you get a {0} voucher to use on your next purchase, valid for {1} days.", M(r.VoucherThresholdCents), r.VoucherValidityDays]);
                break;
            case VoucherMode.PerCredit:
                lines.Add(P["Each credit becomes a voucher to use on your next purchase, valid for {0} days.", r.VoucherValidityDays]);
                break;
            default:
                var use = P["Use your {0} at the counter to pay part of a purchase", name].Value;
                if (r.MinRedeemBalanceCents > 0) use += P[", from a balance of {0}", M(r.MinRedeemBalanceCents)].Value;
                if (r.MaxRedeemShareBps < 10_000) use += P[", up to {0} of the purchase", Pct(r.MaxRedeemShareBps)].Value;
                lines.Add(use + ".");
                break;
        }

        if (r.WelcomeBonusCents > 0) lines.Add(P["Join now and get {0} as a welcome bonus.", U(r.WelcomeBonusCents)]);
        if (r.BirthdayBonusCents > 0) lines.Add(P["A gift of {0} on your birthday.", U(r.BirthdayBonusCents)]);
        if (Referral(r, t, P) is { } referral) lines.Add(referral);
        return lines;
    }

    /// <summary>The referral rule in words, or null when the program rewards no referrals.</summary>
    public static string? Referral(ProgramRules r, Tenant t, IStringLocalizer<PortalText> P)
    {
        if (r.ReferrerRewardCents <= 0 && r.RefereeRewardCents <= 0) return null;
        string M(long cents) => Infrastructure.Money.Format(cents, t.CurrencyCode, t.Locale);
        string U(long amount) => RewardUnits.Format(amount, r.RewardType, t);
        var first = r.ReferralMinPurchaseCents > 0
            ? P["Invite friends: when a friend joins with your link and makes a first purchase of {0} or more", M(r.ReferralMinPurchaseCents)].Value
            : P["Invite friends: when a friend joins with your link and makes a first purchase"].Value;
        var parts = new List<string>();
        if (r.ReferrerRewardCents > 0) parts.Add(P["you get {0}", U(r.ReferrerRewardCents)]);
        if (r.RefereeRewardCents > 0) parts.Add(P["your friend gets {0}", U(r.RefereeRewardCents)]);
        var text = first + ", " + string.Join(P[" and "], parts) + ".";
        if (r.ReferralMonthlyCap > 0 && r.ReferrerRewardCents > 0) text += " " + P["Up to {0} rewarded referrals a month.", r.ReferralMonthlyCap];
        return text;
    }
}
