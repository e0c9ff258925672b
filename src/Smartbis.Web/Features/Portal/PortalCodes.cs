using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Notifications.Email;
using Smartbis.Web.Features.Notifications.WhatsApp;
using Smartbis.Web.Features.Security;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Portal;

/// <summary>The limits of one-time codes: few minutes, few attempts, few sends.</summary>
public static class CodeLimits
{
    public static readonly TimeSpan Validity = TimeSpan.FromMinutes(10);
    /// <summary>Wrong guesses a code survives: one in 200 000 chance of guessing it.</summary>
    public const int AttemptsPerCode = 5;
    /// <summary>Codes one member can be sent in <see cref="SendWindow"/>: bounds the guesses per phone/email too.</summary>
    public const int SendsPerWindow = 5;
    public static readonly TimeSpan SendWindow = TimeSpan.FromHours(1);
    /// <summary>Wrong guesses per member across all their codes in <see cref="SendWindow"/>.</summary>
    public const int AttemptsPerWindow = 15;

    /// <summary>Code requests per client (IP) in one business, whoever they are for (<see cref="AttemptLimit"/>).</summary>
    public static readonly AttemptRule ClientSends = new("portal.code.send", 10, TimeSpan.FromMinutes(15));
    /// <summary>Code guesses per client (IP) in one business, across members: one client cannot spray guesses over many members.</summary>
    public static readonly AttemptRule ClientGuesses = new("portal.code.guess", 20, TimeSpan.FromMinutes(15));
    /// <summary>Join attempts per client (IP) in one business: bounds probing phones and emails through the join form.</summary>
    public static readonly AttemptRule ClientJoins = new("portal.join", 20, TimeSpan.FromMinutes(15));
}

/// <summary>
/// Whose codes: a member's, or the decoy codes of an identifier that is no member's (kept by a hash of it). Decoys
/// go through the same rows, limits and refusals as a member's codes, and are never sent and never accepted.
/// </summary>
public readonly record struct CodeOwner(Guid? CustomerId, string? IdentifierHash)
{
    public static CodeOwner Member(Guid customerId) => new(customerId, null);
    public static CodeOwner Decoy(Guid tenantId, string normalizedIdentifier) =>
        new(null, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"portal-id:{tenantId:N}:{normalizedIdentifier}"))));

    public System.Linq.Expressions.Expression<Func<SignInCode, bool>> Codes()
    {
        if (CustomerId is { } id) return c => c.CustomerId == id;
        var hash = IdentifierHash;
        return c => c.CustomerId == null && c.IdentifierHash == hash;
    }

    /// <summary>Takes the owner's lock for the transaction: the member's row, or an advisory lock on the decoy's hash.</summary>
    public Task LockAsync(SmartbisDb db, Guid tenantId, CancellationToken ct) => CustomerId is { } id
        ? db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM customers WHERE tenant_id = {tenantId} AND id = {id} FOR UPDATE", ct)
        : db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock(hashtextextended({"portal-code:" + tenantId.ToString("N") + IdentifierHash}, 0))", ct);
}

/// <summary>
/// How long sending a code takes (SMTP or WhatsApp), so that answering for an identifier that is no member's takes
/// about as long: a moving average per web node, capped.
/// </summary>
public sealed class SendTimings
{
    private long averageTicks = TimeSpan.FromMilliseconds(50).Ticks;
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(2);

    public void Record(TimeSpan took)
    {
        var t = Math.Min(took.Ticks, Cap.Ticks);
        long seen, next;
        do { seen = Interlocked.Read(ref averageTicks); next = seen + (t - seen) / 8; }
        while (Interlocked.CompareExchange(ref averageTicks, next, seen) != seen);
    }

    public TimeSpan Typical => TimeSpan.FromTicks(Interlocked.Read(ref averageTicks));
}

/// <summary>
/// Sends a member a six-digit one-time code straight away (not through the outbox: the member is waiting on the
/// page): by WhatsApp when they typed their phone (or have no email) and the business has WhatsApp set up, else by
/// email. Earlier codes of the same purpose stop working. Limited per member per hour and per client (IP) (429).
/// An email or phone that is no member's gets the same answer (a decoy code row, never sent), so the sign-in page
/// does not tell who is a member.
/// </summary>
public sealed class SendSignInCode(SmartbisDb db, IEmailSender email, WhatsAppCodes whatsApp, TimeProvider clock, AttemptLimit limits,
    SendTimings timings, ILogger<SendSignInCode> log)
{
    /// <param name="CustomerId">The member, or null when the identifier is no member's (nothing was sent).</param>
    public sealed record Result(Guid? CustomerId, string SentTo, DateTimeOffset ExpiresAt);

    /// <summary>
    /// The sign-in page's "send me a code": counts the request against the client's limit, then sends the member a
    /// code, or writes a decoy for an identifier that is no member's (or a member who cannot receive codes). Both
    /// answer alike.
    /// </summary>
    /// <param name="client">The requesting client (<see cref="ClientKey"/>), counted against <see cref="CodeLimits.ClientSends"/>; null when not a web request.</param>
    public async Task<Result> ToIdentifierAsync(string identifier, string? client = null, CancellationToken ct = default)
    {
        var normalized = NormalizeIdentifier(identifier)
                         ?? throw new OperationFailed("invalid_identifier", "identifier_invalid", "identifier");
        if (client is not null) await limits.CountAsync(CodeLimits.ClientSends, client, ct);
        var customerId = await FindMemberAsync(db, normalized, ct);
        if (customerId is not { } id) return await DecoyAsync(CodeOwner.Decoy(db.Tenant.Require(), normalized), ct);
        try
        {
            return await ExecuteAsync(id, CodePurpose.SignIn, ct, preferWhatsApp: !normalized.Contains('@'));
        }
        catch (OperationFailed f) when (f.Code == "no_email")
        {
            // A member who cannot be sent a code (no email, no WhatsApp) must not answer differently: a code row that is
            // never sent, so the wrong guesses and the lock that follow are the ones anyone gets.
            log.LogInformation("Sign-in code not sent: customer {CustomerId} has no email and the business no WhatsApp", id);
            return await DecoyAsync(CodeOwner.Member(id), ct);
        }
    }

    /// <summary>What a code request does, minus sending: the same rows, locks and limits, about the same time. Never accepted.</summary>
    private async Task<Result> DecoyAsync(CodeOwner owner, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var row = new SignInCode
        {
            CustomerId = owner.CustomerId, IdentifierHash = owner.IdentifierHash, Purpose = CodePurpose.SignIn,
            CodeHash = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)), SentTo = "", CreatedAt = now, ExpiresAt = now + CodeLimits.Validity,
        };
        await WriteAsync(owner, row, ct);
        await Task.Delay(timings.Typical, ct);
        return new Result(null, "", row.ExpiresAt);
    }

    /// <summary>An email (normalized) or a phone (E.164), or null when it is neither.</summary>
    public static string? NormalizeIdentifier(string? identifier) =>
        string.IsNullOrWhiteSpace(identifier) || identifier.Length > 254 ? null
        : identifier.Contains('@') ? Emails.Normalize(identifier) : Phones.ToE164(identifier);

    /// <summary>
    /// Under the owner's lock: refuses past the hourly limits, supersedes the owner's earlier codes of the purpose,
    /// inserts the new one. Parallel requests (on any web node) take turns, so the hourly limit is a limit and not a race.
    /// </summary>
    private async Task WriteAsync(CodeOwner owner, SignInCode row, CancellationToken ct)
    {
        var tenantId = db.Tenant.Require();
        var now = row.CreatedAt;
        var since = now - CodeLimits.SendWindow;
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await owner.LockAsync(db, tenantId, ct);
            var recent = await db.SignInCodes.Where(owner.Codes()).Where(c => c.CreatedAt > since)
                .GroupBy(_ => 1).Select(g => new { Sent = g.Count(), Attempts = g.Sum(c => c.Attempts) }).SingleOrDefaultAsync(ct);
            if (recent is not null && (recent.Sent >= CodeLimits.SendsPerWindow || recent.Attempts >= CodeLimits.AttemptsPerWindow))
                throw TooMany();
            await db.SignInCodes.Where(owner.Codes()).Where(c => c.Purpose == row.Purpose && c.UsedAt == null && c.SupersededAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.SupersededAt, now), ct);
            db.SignInCodes.Add(row);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        });
    }

    /// <param name="preferWhatsApp">The member identified themselves by phone: send there when the business can.</param>
    /// <param name="client">The requesting client (<see cref="ClientKey"/>), counted against <see cref="CodeLimits.ClientSends"/>; null when already counted.</param>
    public async Task<Result> ExecuteAsync(Guid customerId, CodePurpose purpose, CancellationToken ct = default, bool preferWhatsApp = false, string? client = null)
    {
        if (client is not null) await limits.CountAsync(CodeLimits.ClientSends, client, ct);
        var customer = await db.Customers.Where(c => c.Id == customerId && c.JoinedAt != null && c.Status == CustomerStatus.Active)
                           .Select(c => new { c.Id, c.Name, c.Email, c.Phone, c.Locale }).SingleOrDefaultAsync(ct)
                       ?? throw new OperationFailed("not_member", "not_member", "identifier", 404);
        var settings = await db.MessagingSettings.AsNoTracking().SingleOrDefaultAsync(ct);
        var byWhatsApp = customer.Phone is not null && settings is { HasWhatsApp: true } && (preferWhatsApp || customer.Email is null);
        if (!byWhatsApp && customer.Email is null)
            throw new OperationFailed("no_email", "member_no_email", "identifier");
        var now = clock.GetUtcNow();
        var tenantId = db.Tenant.Require();
        var tenant = await db.Tenants.Where(t => t.Id == tenantId).Select(t => new { t.Name, t.Locale }).SingleAsync(ct);
        var code = OneTimeCodes.New();
        var row = new SignInCode
        {
            CustomerId = customerId, Purpose = purpose, CodeHash = Hash(tenantId, customerId, code),
            SentTo = byWhatsApp ? Phones.Mask(customer.Phone!) : Emails.Mask(customer.Email!),
            CreatedAt = now, ExpiresAt = now + CodeLimits.Validity,
        };
        await WriteAsync(CodeOwner.Member(customerId), row, ct);
        var sending = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            return await DeliverAsync(customer.Id, customer.Name, customer.Email, customer.Phone, customer.Locale ?? tenant.Locale, tenant.Name,
                byWhatsApp, settings, purpose, code, row, ct);
        }
        finally
        {
            timings.Record(sending.Elapsed);
        }
    }

    private async Task<Result> DeliverAsync(Guid customerId, string name, string? address, string? phone, string locale, string tenantName,
        bool byWhatsApp, MessagingSettings? settings, CodePurpose purpose, string code, SignInCode row, CancellationToken ct)
    {
        if (byWhatsApp)
        {
            try
            {
                await whatsApp.SendAsync(settings!, phone!, locale, code, ct);
                return new Result(customerId, row.SentTo, row.ExpiresAt);
            }
            catch (WhatsAppException e)
            {
                log.LogWarning("Sign-in code for customer {CustomerId} not sent by WhatsApp: {Error}", customerId, e.Message);
                if (address is null)
                    throw new OperationFailed("send_failed", "sign_in_send_failed", "identifier", 503);
                row.SentTo = Emails.Mask(address); // the same code goes by email instead
                await db.SaveChangesAsync(ct);
            }
        }
        var mail = RenderTemplate.Transactional(purpose == CodePurpose.SignIn ? TransactionalTemplates.SignInCode : TransactionalTemplates.DeletionCode,
            locale, new Dictionary<string, string>
            {
                ["code"] = code, ["minutes"] = ((int)CodeLimits.Validity.TotalMinutes).ToString(CultureInfo.InvariantCulture),
                ["brand"] = tenantName, ["customer_name"] = name,
            });
        await email.SendAsync(new EmailMessage(address!, mail.Subject, mail.Html, mail.Text, name), ct);
        return new Result(customerId, row.SentTo, row.ExpiresAt);
    }

    /// <summary>A joined, active member by email (case-insensitive) or phone (any typing).</summary>
    public static async Task<Guid?> FindMemberAsync(SmartbisDb db, string? identifier, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(identifier)) return null;
        var members = db.Customers.Where(c => c.JoinedAt != null && c.Status == CustomerStatus.Active);
        if (identifier.Contains('@'))
        {
            var email = Emails.Normalize(identifier);
            return email is null ? null : await members.Where(c => c.Email == email).Select(c => (Guid?)c.Id).SingleOrDefaultAsync(ct);
        }
        var phone = Phones.ToE164(identifier);
        return phone is null ? null : await members.Where(c => c.Phone == phone).Select(c => (Guid?)c.Id).SingleOrDefaultAsync(ct);
    }

    public static OperationFailed TooMany() =>
        new OperationFailed("too_many_attempts", "too_many_codes_or_attempts", "code", 429);

    public static string Hash(Guid tenantId, Guid customerId, string code) => OneTimeCodes.Hash(OneTimeCodes.Portal, tenantId, customerId, code);

}

/// <summary>
/// Checks a typed code against the owner's latest code of that purpose. The attempt is counted first: against the
/// client's limit across members (<see cref="CodeLimits.ClientGuesses"/>, an atomic upsert), then under the owner's
/// lock (the hourly limit across codes) with one atomic UPDATE (… attempts + 1 WHERE attempts &lt; limit, the per-code
/// limit), so parallel guesses cannot exceed any limit; a right code is then marked used with another conditional
/// UPDATE, so it works once. Too many attempts → 429. A decoy (an identifier that is no member's) is refused exactly
/// like a member's wrong code.
/// </summary>
public sealed class VerifySignInCode(SmartbisDb db, TimeProvider clock, AttemptLimit limits)
{
    /// <summary>The sign-in page: the member of the typed email or phone, once their code is right.</summary>
    public async Task<Guid> VerifyIdentifierAsync(string? identifier, string? typed, string client, CancellationToken ct = default)
    {
        var digits = Digits(typed);
        var normalized = SendSignInCode.NormalizeIdentifier(identifier)
                         ?? throw new OperationFailed("invalid_identifier", "identifier_invalid", "identifier");
        await limits.CountAsync(CodeLimits.ClientGuesses, client, ct);
        var customerId = await SendSignInCode.FindMemberAsync(db, normalized, ct);
        var owner = customerId is { } id ? CodeOwner.Member(id) : CodeOwner.Decoy(db.Tenant.Require(), normalized);
        await CheckAsync(owner, CodePurpose.SignIn, digits, ct);
        return customerId!.Value; // a decoy never gets here: CheckAsync refuses it as a wrong code
    }

    /// <param name="client">The requesting client (<see cref="ClientKey"/>), counted against <see cref="CodeLimits.ClientGuesses"/>; null when not a web request.</param>
    public async Task VerifyAsync(Guid customerId, CodePurpose purpose, string? typed, CancellationToken ct = default, string? client = null)
    {
        var digits = Digits(typed);
        if (client is not null) await limits.CountAsync(CodeLimits.ClientGuesses, client, ct);
        await CheckAsync(CodeOwner.Member(customerId), purpose, digits, ct);
    }

    private static string Digits(string? typed)
    {
        var digits = new string((typed ?? "").Where(char.IsDigit).ToArray());
        if (digits.Length != 6) throw new OperationFailed("invalid_code", "code_six_digits", "code");
        return digits;
    }

    private async Task CheckAsync(CodeOwner owner, CodePurpose purpose, string digits, CancellationToken ct)
    {
        var tenantId = db.Tenant.Require();
        var now = clock.GetUtcNow();

        var since = now - CodeLimits.SendWindow;
        // The owner's lock makes "count the hour's wrong guesses, then add one" a single step across parallel
        // requests on any web node; the per-code limit is still the atomic UPDATE below.
        var latest = await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await owner.LockAsync(db, tenantId, ct);
            var attempts = await db.SignInCodes.Where(owner.Codes()).Where(c => c.CreatedAt > since).SumAsync(c => c.Attempts, ct);
            if (attempts >= CodeLimits.AttemptsPerWindow) throw SendSignInCode.TooMany();

            var code = await db.SignInCodes.AsNoTracking()
                .Where(owner.Codes()).Where(c => c.Purpose == purpose && c.SupersededAt == null)
                .OrderByDescending(c => c.CreatedAt).Select(c => new { c.Id, c.CodeHash, c.ExpiresAt, c.UsedAt, c.Attempts })
                .FirstOrDefaultAsync(ct);
            if (code is null || code.UsedAt is not null || code.ExpiresAt <= now)
                throw new OperationFailed("code_expired", "code_expired", "code");

            // Count the attempt before comparing: the database decides, so N parallel requests get at most the limit.
            var counted = await db.SignInCodes
                .Where(c => c.Id == code.Id && c.Attempts < CodeLimits.AttemptsPerCode && c.UsedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.Attempts, c => c.Attempts + 1), ct);
            if (counted == 0)
            {
                var usedMeanwhile = await db.SignInCodes.AnyAsync(c => c.Id == code.Id && c.UsedAt != null, ct);
                throw usedMeanwhile
                    ? new OperationFailed("code_expired", "code_expired", "code")
                    : new OperationFailed("code_locked", "code_locked", "code", 429);
            }
            await tx.CommitAsync(ct);
            return code;
        });

        // A decoy's hash is of 32 random bytes, not of a code: compared all the same (same work), and never equal.
        var typedHash = SendSignInCode.Hash(tenantId, owner.CustomerId ?? Guid.Empty, digits);
        if (!CryptographicOperations.FixedTimeEquals(Convert.FromHexString(latest.CodeHash), Convert.FromHexString(typedHash)) || owner.CustomerId is null)
            throw new OperationFailed("wrong_code", "wrong_code", "code");

        var used = await db.SignInCodes.Where(c => c.Id == latest.Id && c.UsedAt == null && c.ExpiresAt > now)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.UsedAt, now), ct);
        if (used == 0) throw new OperationFailed("code_expired", "code_expired", "code");
    }
}
