using System.Text;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Vouchers;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Api.V1;

public static class CustomersApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/customers").WithTags("Customers");
        g.MapPost("/", CreateAsync).WithName("createCustomer").WithSummary("Enrol a customer")
            .Accepts<CreateCustomerBody>("application/json").Produces<CustomerDto>(201).Idempotent().ProducesProblems(409);
        g.MapGet("/lookup", LookupAsync).WithName("lookupCustomer").WithSummary("Find a customer by phone, email, card code or CPF")
            .Produces<CustomerDto>().ProducesProblems();
        g.MapGet("/{id:guid}", GetAsync).WithName("getCustomer").WithSummary("A customer with balances, vouchers, tier and challenge progress")
            .Produces<CustomerDto>().ProducesProblems();
        g.MapGet("/{id:guid}/entries", EntriesAsync).WithName("listCustomerEntries").WithSummary("Ledger entries, newest first, cursor-paged")
            .Produces<EntriesPage>().ProducesProblems();
    }

    private static readonly Dictionary<string, string> Fields = new() { ["idempotencyKey"] = ApiIdempotency.Header };

    private static async Task<IResult> CreateAsync(HttpContext http, EnrollCustomer enroll, SmartbisDb db, CancellationToken ct)
    {
        http.Items[ApiProblemFilter.FieldNamesKey] = Fields;
        var key = ApiIdempotency.Key(http);
        var b = await ApiJson.ReadAsync<CreateCustomerBody>(http);
        var type = await RewardUnits.OfTenantAsync(db, ct); // before the write: the answer is built from the stored result only
        // The key is claimed in the enrolment's own transaction; the answer is built from the stored result, so a replay is identical.
        var r = await enroll.ExecuteAsync(new EnrollCustomer.Request(
            b.Name ?? "", b.Phone, b.Email, b.Cpf, b.BirthDate, b.Consents?.Email ?? false, b.Consents?.Whatsapp ?? false,
            ConsentWording: "Consent collected by the merchant's system (API)", Source: ApiIdempotency.Source, ReferralCode: b.ReferralCode,
            IdempotencyKey: key), ct);
        ApiIdempotency.MarkReplayed(http, r.Replayed);
        // Unclaimed walk-ins hold no vouchers (vouchers are issued to members only): a new member has none.
        var dto = new CustomerDto(r.CustomerId, r.Name, r.Phone, r.Email, r.CardCode, "active", r.ReferralCode, ApiUnits.RewardType(type),
            BalanceDto.Of(r.Balances ?? new Balances(0, 0, 0, 0), type), []);
        return Results.Json(dto, ApiJson.Options, statusCode: 201);
    }

    private static async Task<IResult> LookupAsync(SmartbisDb db, TimeProvider clock, string? phone, string? email, string? cardCode, string? cpf, CancellationToken ct)
    {
        var given = new[] { phone, email, cardCode, cpf }.Count(v => !string.IsNullOrWhiteSpace(v));
        if (given != 1)
            throw new ApiProblem(400, "lookup_query", "Give exactly one of phone, email, cardCode or cpf.",
                new Dictionary<string, string[]> { ["query"] = ["Give exactly one of phone, email, cardCode or cpf."] });
        IQueryable<Customer> q = db.Customers;
        if (!string.IsNullOrWhiteSpace(phone))
        {
            var e164 = Phones.ToE164(phone) ?? throw Invalid("phone", "Enter a valid phone number with area code (E.164, e.g. +5511987654321).");
            q = q.Where(c => c.Phone == e164);
        }
        else if (!string.IsNullOrWhiteSpace(email))
        {
            var normalized = Emails.Normalize(email) ?? throw Refuse("email", "email_invalid");
            q = q.Where(c => c.Email == normalized);
        }
        else if (!string.IsNullOrWhiteSpace(cardCode))
        {
            var code = Codes.Normalize(cardCode);
            q = q.Where(c => c.CardCode == code);
        }
        else
        {
            var digits = Cpf.Normalize(cpf) ?? throw Refuse("cpf", "cpf_invalid");
            q = q.Where(c => c.Cpf == digits);
        }
        var id = await q.Select(c => (Guid?)c.Id).FirstOrDefaultAsync(ct) ?? throw NotFound();
        return Results.Json(await ReadAsync(db, id, ct, clock.GetUtcNow()), ApiJson.Options);
    }

    private static async Task<IResult> GetAsync(SmartbisDb db, TimeProvider clock, Guid id, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct); // one pooled connection for both reads, given back before the answer is written
        try
        {
            return Results.Json(await ReadAsync(db, id, ct, clock.GetUtcNow()) ?? throw NotFound(), ApiJson.Options);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public const int MaxLimit = 200;

    // Query strings are read as text and parsed here, so that "abc", "1e3" or "99999999999" is a 400 naming the parameter
    // (minimal API binding would refuse them with an empty 400 or an exception).
    private static async Task<IResult> EntriesAsync(SmartbisDb db, Guid id, string? limit, string? cursor, CancellationToken ct)
    {
        var take = ApiQuery.Int(limit, "limit", 1, MaxLimit) ?? 50;
        (DateTimeOffset At, Guid Id)? after = string.IsNullOrEmpty(cursor) ? null : DecodeCursor(cursor);
        if (!await db.Customers.AnyAsync(c => c.Id == id, ct)) throw NotFound();
        var type = await RewardUnits.OfTenantAsync(db, ct);
        var q = db.LedgerEntries.Where(e => e.CustomerId == id);
        if (after is var (at, afterId))
            q = q.Where(e => EF.Functions.LessThan(ValueTuple.Create(e.CreatedAt, e.Id), ValueTuple.Create(at, afterId)));
        var rows = await q.OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id).Take(take + 1)
            .Select(e => new
            {
                e.Id, e.Kind, e.PendingDeltaCents, e.AvailableDeltaCents, e.ClawbackDeltaCents, e.VoucherDeltaCents, e.Reason, e.CreatedAt,
                e.PurchaseId, VoucherCode = db.Vouchers.Where(v => v.Id == e.VoucherId).Select(v => v.Code).FirstOrDefault(), e.LotExpiresAt,
            }).ToListAsync(ct);
        var items = rows.Take(take).Select(e =>
        {
            // One amount per entry, from the customer's point of view: the cashback balance first, then what it moved into.
            var (bucket, amount) = e.AvailableDeltaCents != 0 ? ("available", e.AvailableDeltaCents)
                : e.PendingDeltaCents != 0 ? ("pending", e.PendingDeltaCents)
                : e.VoucherDeltaCents != 0 ? ("voucher", e.VoucherDeltaCents)
                : ("clawback", e.ClawbackDeltaCents);
            return new EntryDto(e.Id, SnakeCase(e.Kind.ToString()), amount, bucket, e.Reason, e.CreatedAt.UtcDateTime, e.PurchaseId,
                e.VoucherCode is null ? null : Codes.Display(e.VoucherCode), e.LotExpiresAt?.UtcDateTime, ApiUnits.RewardType(type),
                bucket == "voucher" ? "cents" : ApiUnits.Unit(type)); // vouchers are money in either program
        }).ToList();
        var next = rows.Count > take ? EncodeCursor(rows[take - 1].CreatedAt, rows[take - 1].Id) : null;
        return Results.Json(new EntriesPage(items, next), ApiJson.Options);
    }

    /// <summary>The customer as the API shows it, or null when not in this tenant.</summary>
    public static async Task<CustomerDto?> ReadAsync(SmartbisDb db, Guid id, CancellationToken ct, DateTimeOffset? now = null)
    {
        CustomerRow? c = null;
        var vouchers = new List<VoucherRow>();
        await foreach (var row in CustomerWithBalances(db, id).WithCancellation(ct))
        {
            c ??= row;
            if (row.Code is not null) vouchers.Add(new VoucherRow(row.Code, row.ValueCents!.Value, row.VoucherStatus!.Value, row.ExpiresAt!.Value));
        }
        if (c is null) return null;
        var type = await RewardUnits.OfTenantAsync(db, ct);
        return new CustomerDto(c.Id, c.Name, c.Phone, c.Email, c.CardCode,
            c.JoinedAt is null ? "unclaimed" : c.Status.ToString().ToLowerInvariant(), c.ReferralCode, ApiUnits.RewardType(type),
            BalanceDto.Of(c.Available ?? 0, c.Pending ?? 0, c.Clawback ?? 0, type),
            vouchers.Select(v => new CustomerVoucherDto(Codes.Display(v.Code), v.ValueCents, VouchersApi.StatusName(v.Status), v.ExpiresAt.UtcDateTime)).ToList(),
            now is { } at ? await TierOf(db, id, at, type, ct) : null, now is { } at2 ? await ChallengesOf(db, id, at2, type, ct) : null);
    }

    private sealed record CustomerRow(Guid Id, string Name, string? Phone, string? Email, string CardCode, CustomerStatus Status,
        DateTimeOffset? JoinedAt, string ReferralCode, long? Available, long? Pending, long? Clawback,
        string? Code, long? ValueCents, VoucherStatus? VoucherStatus, DateTimeOffset? ExpiresAt);

    private sealed record VoucherRow(string Code, long ValueCents, VoucherStatus Status, DateTimeOffset ExpiresAt);

    // One statement, compiled once: the API's balance lookup runs it on every call (EF would otherwise rebuild, hash and
    // look up its LINQ tree each time). The latest vouchers come in the same round trip as the card, a row per voucher (or
    // one row without). EF numbers vouchers per customer (ROW_NUMBER() … PARTITION BY customer_id) to take 50; PostgreSQL
    // reads only this customer's because the WHERE fixes the customer id, which it pushes into the numbering. Written flat
    // on purpose: as a collection in the projection, the LIMIT that SingleOrDefault() puts in between stopped that push,
    // and every voucher of the tenant was numbered (178 ms at full scale; flat: 0.08 ms, 11 buffers).
    // The tenant's query filter still applies: it reads the context's tenant.
    // A left join for the account, not a FirstOrDefault() sub-select: EF turns that into ROW_NUMBER() over every account
    // of the tenant, a full scan per request (issue 9: seconds per lookup at 1,000,000 customers).
    private static readonly Func<SmartbisDb, Guid, IAsyncEnumerable<CustomerRow>> CustomerWithBalances =
        EF.CompileAsyncQuery((SmartbisDb db, Guid id) =>
            from x in db.Customers.Where(x => x.Id == id)
            join a in db.Accounts on x.Id equals a.CustomerId into accounts
            from a in accounts.DefaultIfEmpty()
            from v in db.Vouchers.Where(v => v.CustomerId == x.Id).OrderByDescending(v => v.IssuedAt).ThenByDescending(v => v.Id).Take(50).DefaultIfEmpty()
            orderby v.IssuedAt descending, v.Id descending
            select new CustomerRow(x.Id, x.Name, x.Phone, x.Email, x.CardCode, x.Status, x.JoinedAt, x.ReferralCode,
                (long?)a.AvailableCents, (long?)a.PendingCents, (long?)a.ClawbackCents,
                v.Code, (long?)v.ValueCents, (VoucherStatus?)v.Status, (DateTimeOffset?)v.ExpiresAt));

    private static async Task<TierDto?> TierOf(SmartbisDb db, Guid id, DateTimeOffset now, RewardType type, CancellationToken ct) =>
        await Features.Tiers.TierStatus.ForCustomerAsync(db, id, now, ct) is { } t
            ? new TierDto(t.Level, t.Rank, t.MultiplierBps, t.Perks, SnakeCase(t.Measure.ToString()), t.Qualifying, t.NextLevel, t.ToNext,
                t.NextReview.UtcDateTime, t.ToKeep, t.Measure == Features.Tiers.TierMeasure.Spend ? ApiUnits.Unit(RewardType.Cashback) : ApiUnits.Unit(type))
            : null;

    private static async Task<IReadOnlyList<ChallengeProgressDto>> ChallengesOf(SmartbisDb db, Guid id, DateTimeOffset now, RewardType type, CancellationToken ct) =>
        (await Features.Challenges.ChallengeProgress.ForCustomerAsync(db, id, now, ct))
            .Select(c => new ChallengeProgressDto(c.ChallengeId, c.Name, SnakeCase(c.Kind.ToString()), c.Target, c.Progress, c.Bonus, c.StoreId,
                c.StartsAt.UtcDateTime, c.EndsAt.UtcDateTime, c.Awarded, c.AwardedAt?.UtcDateTime, ApiUnits.Unit(type))).ToList();

    internal static string SnakeCase(string pascal) =>
        string.Concat(pascal.Select((ch, i) => char.IsUpper(ch) && i > 0 ? "_" + char.ToLowerInvariant(ch) : char.ToLowerInvariant(ch).ToString()));

    private static string EncodeCursor(DateTimeOffset at, Guid id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{at.UtcTicks}:{id}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A cursor this API returned, or a 400 naming <c>cursor</c> (never an exception: forged cursors are input like any other).</summary>
    private static (DateTimeOffset, Guid) DecodeCursor(string cursor)
    {
        var b64 = cursor.Replace('-', '+').Replace('_', '/');
        var bytes = new byte[96];
        if (cursor.Length <= 128
            && Convert.TryFromBase64String(b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '='), bytes, out var n)
            && Encoding.UTF8.GetString(bytes, 0, n).Split(':') is [var ticksText, var idText]
            && long.TryParse(ticksText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ticks)
            && ticks >= DateTimeOffset.UnixEpoch.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks
            && Guid.TryParseExact(idText, "D", out var id))
            return (new DateTimeOffset(ticks, TimeSpan.Zero), id);
        throw new ApiProblem(400, "invalid_cursor", "This cursor is not valid: pass nextCursor from the previous page.",
            new Dictionary<string, string[]> { ["cursor"] = ["Not a cursor returned by this API."] });
    }

    private static ApiProblem Invalid(string field, string message) =>
        new(422, "validation", message, new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>A refusal in the catalogue's English (<see cref="ErrorTexts"/>).</summary>
    private static ApiProblem Refuse(string field, string code) => Invalid(field, ErrorTexts.English(ErrorText.Of(code)));

    internal static ApiProblem NotFound() => new(404, "not_found", ErrorTexts.English(ErrorText.Of("customer_not_found")));
}
