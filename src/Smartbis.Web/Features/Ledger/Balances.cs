namespace Smartbis.Web.Features.Ledger;

public sealed record Balances(long PendingCents, long AvailableCents, long ClawbackCents, long VoucherCents)
{
    public static Balances Of(Account a) => new(a.PendingCents, a.AvailableCents, a.ClawbackCents, a.VoucherCents);
}
