using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Vouchers;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Counter;

/// <summary>
/// The counter's one search box: works out what was typed (phone, email, CPF, card code, voucher code, or a
/// name) and finds the customers it names. Reads only; tenant-filtered like every query.
/// </summary>
public static class FindCustomer
{
    public enum Kind { Empty, Phone, Email, Cpf, Code, Name }

    public sealed record Detected(Kind Kind, string? Phone, string? Email, string? Cpf, string? Code, string Text);

    public sealed record VoucherView(string Code, long ValueCents, DateTimeOffset ExpiresAt);

    public sealed record Card(
        Guid Id, string Name, string? Phone, string? Email, string? Cpf, string CardCode, bool Claimed, CustomerStatus Status,
        long AvailableCents, long PendingCents, long ClawbackCents, IReadOnlyList<VoucherView> Vouchers, DateTimeOffset? NextReleaseAt);

    public sealed record Found(Detected Query, IReadOnlyList<Card> Customers, string? VoucherCode);

    /// <summary>What the text looks like. An 11-digit number can be a CPF or a mobile with area code: both are tried.</summary>
    public static Detected Detect(string? typed)
    {
        var text = (typed ?? "").Trim();
        if (text.Length == 0) return new(Kind.Empty, null, null, null, null, text);
        if (text.Contains('@')) return new(Kind.Email, null, Emails.Normalize(text), null, null, text);
        var digits = new string(text.Where(char.IsDigit).ToArray());
        var looksNumeric = text.All(c => char.IsDigit(c) || c is ' ' or '-' or '.' or '(' or ')' or '+' or '/');
        if (looksNumeric && digits.Length > 0)
        {
            var cpf = Cpf.Normalize(text);
            var phone = Phones.ToE164(text);
            return new(cpf is not null ? Kind.Cpf : Kind.Phone, phone, null, cpf, null, text);
        }
        var code = Codes.Normalize(text);
        if (code.Length is >= 6 and <= 16 && !text.Contains(' ') && code.Any(char.IsDigit))
            return new(Kind.Code, null, null, null, code, text);
        return new(Kind.Name, null, null, null, code.Length is >= 6 and <= 16 ? code : null, text);
    }

    public static async Task<Found> SearchAsync(SmartbisDb db, string? typed, DateTimeOffset now, CancellationToken ct = default)
    {
        var q = Detect(typed);
        switch (q.Kind)
        {
            // An email, a CPF or a phone names the customers in one read with their cards (one round trip, not two).
            case Kind.Email when q.Email is not null:
                return new Found(q, await CardsAsync(db, db.Customers.Where(c => c.Email == q.Email), now, ct), null);
            case Kind.Phone or Kind.Cpf when q.Cpf is not null || q.Phone is not null:
                var (cpf, phone) = (q.Cpf, q.Phone);
                var found = cpf is null ? await CardsByPhoneAsync(db, phone!, now, ct)
                    : await CardsAsync(db, phone is null ? db.Customers.Where(c => c.Cpf == cpf) : db.Customers.Where(c => c.Cpf == cpf || c.Phone == phone), now, ct);
                // The CPF's owner first, as when the two were read apart.
                var cards = found.OrderBy(c => cpf is not null && c.Cpf == cpf ? 0 : 1).ToList();
                return new Found(q, cards, null);
            case Kind.Code or Kind.Name:
                var ids = new List<Guid>();
                string? voucherCode = null;
                if (q.Code is not null)
                {
                    // A deleted account's card is no one's any more: the counter does not find it.
                    ids.AddRange(await db.Customers.Where(c => c.CardCode == q.Code && c.Status != Customers.CustomerStatus.Anonymized).Select(c => c.Id).ToListAsync(ct));
                    var voucher = await db.Vouchers.Where(v => v.Code == q.Code).Select(v => new { v.CustomerId, v.Code }).FirstOrDefaultAsync(ct);
                    if (voucher is not null)
                    {
                        ids.Add(voucher.CustomerId);
                        voucherCode = Codes.Display(voucher.Code);
                    }
                }
                if (q.Kind == Kind.Name && q.Text.Length >= 3)
                {
                    var pattern = "%" + q.Text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
                    ids.AddRange(await db.Customers.Where(c => EF.Functions.ILike(c.Name, pattern))
                        .OrderBy(c => c.Name).Select(c => c.Id).Take(10).ToListAsync(ct));
                }
                return new Found(q, await CardsAsync(db, ids.Distinct().ToList(), now, ct), voucherCode);
            default:
                return new Found(q, [], null);
        }
    }

    public static async Task<Card?> CardAsync(SmartbisDb db, Guid customerId, DateTimeOffset now, CancellationToken ct = default) =>
        (await CardsAsync(db, [customerId], now, ct)).SingleOrDefault();

    /// <summary>The cards of <paramref name="ids"/>, in their order.</summary>
    private static async Task<IReadOnlyList<Card>> CardsAsync(SmartbisDb db, List<Guid> ids, DateTimeOffset now, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        return (await CardsAsync(db, db.Customers.Where(c => ids.Contains(c.Id)), now, ct)).OrderBy(c => ids.IndexOf(c.Id)).ToList();
    }

    private static async Task<IReadOnlyList<Card>> CardsAsync(SmartbisDb db, IQueryable<Customer> customers, DateTimeOffset now, CancellationToken ct) =>
        ToCards(await RowsOf(db, customers, now).ToListAsync(ct));

    /// <summary>The cards of the customers with this phone (the counter's usual search), from a query compiled once.</summary>
    private static async Task<IReadOnlyList<Card>> CardsByPhoneAsync(SmartbisDb db, string phone, DateTimeOffset now, CancellationToken ct)
    {
        var rows = new List<Row>();
        await foreach (var row in ByPhone(db, phone, now).WithCancellation(ct)) rows.Add(row);
        return ToCards(rows);
    }

    private sealed record VoucherRow(string Code, long ValueCents, DateTimeOffset ExpiresAt);

    private sealed record Row(Guid Id, string Name, string? Phone, string? Email, string? Cpf, string CardCode, DateTimeOffset? JoinedAt,
        CustomerStatus Status, long? Available, long? Pending, long? Clawback, List<VoucherRow> Vouchers, DateTimeOffset? NextRelease);

    // The account by a left join, not a FirstOrDefault() sub-select (EF makes that a ROW_NUMBER() over every account
    // of the tenant: a full scan per lookup at scale, issue 9). Written once, for every way of naming the customers.
    private static readonly Expression<Func<SmartbisDb, IQueryable<Customer>, DateTimeOffset, IQueryable<Row>>> Rows = (db, customers, now) =>
        from c in customers
        join a in db.Accounts on c.Id equals a.CustomerId into accounts
        from a in accounts.DefaultIfEmpty()
        select new Row(c.Id, c.Name, c.Phone, c.Email, c.Cpf, c.CardCode, c.JoinedAt, c.Status,
            (long?)a.AvailableCents, (long?)a.PendingCents, (long?)a.ClawbackCents,
            db.Vouchers.Where(v => v.CustomerId == c.Id && v.Status == VoucherStatus.Issued && v.ExpiresAt > now)
                .OrderBy(v => v.ExpiresAt).Select(v => new VoucherRow(v.Code, v.ValueCents, v.ExpiresAt)).ToList(),
            db.CreditLots.Where(l => l.CustomerId == c.Id && l.Status == Ledger.LotStatus.Pending && l.RemainingCents > 0)
                .Min(l => (DateTimeOffset?)l.AvailableAt));

    private static readonly Func<SmartbisDb, IQueryable<Customer>, DateTimeOffset, IQueryable<Row>> RowsOf = Rows.Compile();

    // Compiled once: EF would otherwise rebuild, hash and look up the LINQ tree on every search (the tenant's query
    // filter still applies: it reads the context's tenant).
    private static readonly Func<SmartbisDb, string, DateTimeOffset, IAsyncEnumerable<Row>> ByPhone = EF.CompileAsyncQuery(
        Compiled.Bind<SmartbisDb, string, DateTimeOffset, Customer, Row>(Rows, (db, phone) => db.Customers.Where(c => c.Phone == phone)));

    private static List<Card> ToCards(List<Row> rows) =>
        rows.Select(r => new Card(
            r.Id, r.Name, r.Phone, r.Email, r.Cpf, r.CardCode, r.JoinedAt is not null, r.Status,
            r.Available ?? 0, r.Pending ?? 0, r.Clawback ?? 0,
            r.Vouchers.Select(v => new VoucherView(Codes.Display(v.Code), v.ValueCents, v.ExpiresAt)).ToList(), r.NextRelease)).ToList();
}
