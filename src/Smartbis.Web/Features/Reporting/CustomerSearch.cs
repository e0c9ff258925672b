using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Reporting;

/// <summary>
/// The customers list: one search box (name, phone, email, card code or CPF), sort and pages. Each sort orders by the
/// figure of its column (available, pending, in vouchers, last purchase, name); the default ("recent") puts members
/// before walk-ins and deleted accounts, most recent activity (last purchase, else joining, else first seen) first.
/// </summary>
public static class CustomerSearch
{
    public const int PageSize = 25;
    public const string DefaultSort = "recent";
    public static readonly string[] Sorts = [DefaultSort, "name", "available", "pending", "vouchers", "last"];

    /// <summary>A known sort key; old links' "balance" is the available balance, anything else the default.</summary>
    public static string NormalizeSort(string? sort) => sort == "balance" ? "available" : Sorts.Contains(sort) ? sort! : DefaultSort;

    public sealed record Row(Guid Id, string Name, string? Phone, string? Email, string CardCode, CustomerStatus Status, bool Claimed,
        long AvailableCents, long PendingCents, long VoucherCents, DateTimeOffset? LastPurchaseAt, DateTimeOffset CreatedAt);

    public sealed record Page(IReadOnlyList<Row> Rows, int Total, int PageNumber, int Pages);

    public static IQueryable<Customer> Filter(SmartbisDb db, string? q)
    {
        var customers = db.Customers.AsNoTracking();
        if (string.IsNullOrWhiteSpace(q)) return customers;
        q = q.Trim();
        var phone = Phones.ToE164(q);
        var cpf = Cpf.Normalize(q);
        var code = Codes.Normalize(q);
        var email = q.ToLowerInvariant();
        var like = "%" + q.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
        return customers.Where(c =>
            EF.Functions.ILike(c.Name, like) ||
            (c.Email != null && c.Email.Contains(email)) ||
            (phone != null && c.Phone == phone) ||
            (cpf != null && c.Cpf == cpf) ||
            (code.Length >= 4 && c.CardCode == code));
    }

    public static async Task<Page> RunAsync(SmartbisDb db, string? q, string sort, int page, CancellationToken ct = default) =>
        await RunAsync(db, q, sort, page, null, null, ct);

    /// <summary>The list narrowed to a segment (the stored nightly assignment) and/or a tag.</summary>
    public static async Task<Page> RunAsync(SmartbisDb db, string? q, string sort, int page, Segments.SegmentKind? segment, Guid? tagId,
        CancellationToken ct = default)
    {
        // Sort on the entity (EF translates these subqueries), then project the page.
        var filtered = Segments.SegmentRules.Filter(db, Filter(db, q), segment, tagId);
        // Descending sorts on nullable values coalesce to the oldest date: PostgreSQL would put NULLs first.
        var never = DateTimeOffset.MinValue;
        filtered = NormalizeSort(sort) switch
        {
            "available" => filtered.OrderByDescending(c => db.Accounts.Where(a => a.CustomerId == c.Id).Select(a => a.AvailableCents).FirstOrDefault()).ThenBy(c => c.Id),
            "pending" => filtered.OrderByDescending(c => db.Accounts.Where(a => a.CustomerId == c.Id).Select(a => a.PendingCents).FirstOrDefault()).ThenBy(c => c.Id),
            "vouchers" => filtered.OrderByDescending(c => db.Accounts.Where(a => a.CustomerId == c.Id).Select(a => a.VoucherCents).FirstOrDefault()).ThenBy(c => c.Id),
            "last" => filtered.OrderByDescending(c => db.Purchases.Where(p => p.CustomerId == c.Id).Max(p => (DateTimeOffset?)p.OccurredAt) ?? never).ThenBy(c => c.Id),
            // Nameless walk-ins after the named, not first.
            "name" => filtered.OrderBy(c => c.Name == "").ThenBy(c => c.Name).ThenBy(c => c.Id),
            _ => filtered.OrderBy(c => c.Status == CustomerStatus.Anonymized).ThenBy(c => c.JoinedAt == null)
                .ThenByDescending(c => db.Purchases.Where(p => p.CustomerId == c.Id).Max(p => (DateTimeOffset?)p.OccurredAt) ?? c.JoinedAt ?? c.CreatedAt)
                .ThenBy(c => c.Id),
        };
        var query = filtered.Select(c => new Row(c.Id, c.Name, c.Phone, c.Email, c.CardCode, c.Status, c.JoinedAt != null,
            db.Accounts.Where(a => a.CustomerId == c.Id).Select(a => a.AvailableCents).FirstOrDefault(),
            db.Accounts.Where(a => a.CustomerId == c.Id).Select(a => a.PendingCents).FirstOrDefault(),
            db.Accounts.Where(a => a.CustomerId == c.Id).Select(a => a.VoucherCents).FirstOrDefault(),
            db.Purchases.Where(p => p.CustomerId == c.Id).Max(p => (DateTimeOffset?)p.OccurredAt),
            c.CreatedAt));
        var total = await Segments.SegmentRules.Filter(db, Filter(db, q), segment, tagId).CountAsync(ct);
        var pages = Math.Max(1, (total + PageSize - 1) / PageSize);
        page = Math.Clamp(page, 1, pages);
        var rows = await query.Skip((page - 1) * PageSize).Take(PageSize).ToListAsync(ct);
        return new Page(rows, total, page, pages);
    }
}
