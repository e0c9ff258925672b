using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Notifications.Email;
using Smartbis.Web.Features.Notifications.WhatsApp;
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
}

/// <summary>
/// Sends a member a six-digit one-time code straight away (not through the outbox: the member is waiting on the
/// page): by WhatsApp when they typed their phone (or have no email) and the business has WhatsApp set up, else by
/// email. Earlier codes of the same purpose stop working. Limited per member per hour (429).
/// </summary>
public sealed class SendSignInCode(SmartbisDb db, IEmailSender email, WhatsAppCodes whatsApp, TimeProvider clock, ILogger<SendSignInCode> log)
{
    public sealed record Result(Guid CustomerId, string SentTo, DateTimeOffset ExpiresAt);

    /// <summary>Finds the member by email or phone and sends them a code.</summary>
    public async Task<Result> ToIdentifierAsync(string identifier, CancellationToken ct = default)
    {
        var customerId = await FindMemberAsync(db, identifier, ct)
                         ?? throw new OperationFailed("not_member", "We found no member with this email or phone. Check it, or join the program.", "identifier", 404);
        return await ExecuteAsync(customerId, CodePurpose.SignIn, ct, preferWhatsApp: !identifier.Contains('@'));
    }

    /// <param name="preferWhatsApp">The member identified themselves by phone: send there when the business can.</param>
    public async Task<Result> ExecuteAsync(Guid customerId, CodePurpose purpose, CancellationToken ct = default, bool preferWhatsApp = false)
    {
        var customer = await db.Customers.Where(c => c.Id == customerId && c.JoinedAt != null && c.Status == CustomerStatus.Active)
                           .Select(c => new { c.Id, c.Name, c.Email, c.Phone, c.Locale }).SingleOrDefaultAsync(ct)
                       ?? throw new OperationFailed("not_member", "We found no member with this email or phone. Check it, or join the program.", "identifier", 404);
        var settings = await db.MessagingSettings.AsNoTracking().SingleOrDefaultAsync(ct);
        var byWhatsApp = customer.Phone is not null && settings is { HasWhatsApp: true } && (preferWhatsApp || customer.Email is null);
        if (!byWhatsApp && customer.Email is null)
            throw new OperationFailed("no_email", "Codes are sent by email, and this member has no email address. Ask the store to add one.", "identifier");
        var now = clock.GetUtcNow();
        var since = now - CodeLimits.SendWindow;
        var tenantId = db.Tenant.Require();
        var tenant = await db.Tenants.Where(t => t.Id == tenantId).Select(t => new { t.Name, t.Locale }).SingleAsync(ct);
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6");
        var row = new SignInCode
        {
            CustomerId = customerId, Purpose = purpose, CodeHash = Hash(tenantId, customerId, code),
            SentTo = byWhatsApp ? Phones.Mask(customer.Phone!) : Emails.Mask(customer.Email!),
            CreatedAt = now, ExpiresAt = now + CodeLimits.Validity,
        };
        // Count and insert under the member's row lock: parallel requests (on any web node) take turns, so the
        // hourly limit is a limit and not a race.
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM customers WHERE tenant_id = {tenantId} AND id = {customerId} FOR UPDATE", ct);
            var recent = await db.SignInCodes.Where(c => c.CustomerId == customerId && c.CreatedAt > since)
                .GroupBy(_ => 1).Select(g => new { Sent = g.Count(), Attempts = g.Sum(c => c.Attempts) }).SingleOrDefaultAsync(ct);
            if (recent is not null && (recent.Sent >= CodeLimits.SendsPerWindow || recent.Attempts >= CodeLimits.AttemptsPerWindow))
                throw TooMany();
            await db.SignInCodes.Where(c => c.CustomerId == customerId && c.Purpose == purpose && c.UsedAt == null && c.SupersededAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.SupersededAt, now), ct);
            db.SignInCodes.Add(row);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        });

        var locale = customer.Locale ?? tenant.Locale;
        if (byWhatsApp)
        {
            try
            {
                await whatsApp.SendAsync(settings!, customer.Phone!, locale, code, ct);
                return new Result(customerId, row.SentTo, row.ExpiresAt);
            }
            catch (WhatsAppException e)
            {
                log.LogWarning("Sign-in code for customer {CustomerId} not sent by WhatsApp: {Error}", customerId, e.Message);
                if (customer.Email is null)
                    throw new OperationFailed("send_failed", "We could not send the code by WhatsApp just now. Try again in a moment.", "identifier", 503);
                row.SentTo = Emails.Mask(customer.Email); // the same code goes by email instead
                await db.SaveChangesAsync(ct);
            }
        }
        var pt = locale.StartsWith("pt", StringComparison.OrdinalIgnoreCase);
        var minutes = (int)CodeLimits.Validity.TotalMinutes;
        var (subject, text) = (purpose, pt) switch
        {
            (CodePurpose.SignIn, true) => ($"{code} é o seu código de acesso — {tenant.Name}",
                $"Olá, {customer.Name}. Seu código para entrar no programa {tenant.Name} é {code}. Ele vale por {minutes} minutos. Se não foi você, ignore este email."),
            (CodePurpose.SignIn, false) => ($"{code} is your sign-in code — {tenant.Name}",
                $"Hello {customer.Name}. Your code to sign in to the {tenant.Name} program is {code}. It is valid for {minutes} minutes. If this was not you, ignore this email."),
            (_, true) => ($"{code} confirma a exclusão da sua conta — {tenant.Name}",
                $"Olá, {customer.Name}. Para confirmar a exclusão da sua conta no programa {tenant.Name}, informe o código {code}. Ele vale por {minutes} minutos. Se não foi você, ignore este email e sua conta continua como está."),
            _ => ($"{code} confirms deleting your account — {tenant.Name}",
                $"Hello {customer.Name}. To confirm deleting your account in the {tenant.Name} program, enter the code {code}. It is valid for {minutes} minutes. If this was not you, ignore this email and your account stays as it is."),
        };
        await email.SendAsync(new EmailMessage(customer.Email!, subject,
            $"<p>{WebUtility.HtmlEncode(text)}</p><p style=\"font-size:2rem;letter-spacing:.3rem\"><strong>{code}</strong></p>", text, customer.Name), ct);
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
        new("too_many_attempts", "Too many codes or attempts. Wait a while and try again.", "code", 429);

    public static string Hash(Guid tenantId, Guid customerId, string code) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"portal:{tenantId:N}:{customerId:N}:{code.Trim()}")));

}

/// <summary>
/// Checks a typed code against the member's latest code of that purpose. The attempt is counted first, under the
/// member's row lock (the hourly limit across codes) with one atomic UPDATE (… attempts + 1 WHERE attempts &lt; limit,
/// the per-code limit), so parallel guesses cannot exceed either limit; a right code is then marked used with another
/// conditional UPDATE, so it works once. Too many attempts → 429.
/// </summary>
public sealed class VerifySignInCode(SmartbisDb db, TimeProvider clock)
{
    public async Task VerifyAsync(Guid customerId, CodePurpose purpose, string? typed, CancellationToken ct = default)
    {
        var digits = new string((typed ?? "").Where(char.IsDigit).ToArray());
        if (digits.Length != 6) throw new OperationFailed("invalid_code", "Enter the six-digit code we sent you.", "code");
        var tenantId = db.Tenant.Require();
        var now = clock.GetUtcNow();

        var since = now - CodeLimits.SendWindow;
        // The member's row lock makes "count the hour's wrong guesses, then add one" a single step across parallel
        // requests on any web node; the per-code limit is still the atomic UPDATE below.
        var latest = await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM customers WHERE tenant_id = {tenantId} AND id = {customerId} FOR UPDATE", ct);
            var attempts = await db.SignInCodes.Where(c => c.CustomerId == customerId && c.CreatedAt > since).SumAsync(c => c.Attempts, ct);
            if (attempts >= CodeLimits.AttemptsPerWindow) throw SendSignInCode.TooMany();

            var code = await db.SignInCodes.AsNoTracking()
                .Where(c => c.CustomerId == customerId && c.Purpose == purpose && c.SupersededAt == null)
                .OrderByDescending(c => c.CreatedAt).Select(c => new { c.Id, c.CodeHash, c.ExpiresAt, c.UsedAt, c.Attempts })
                .FirstOrDefaultAsync(ct);
            if (code is null || code.UsedAt is not null || code.ExpiresAt <= now)
                throw new OperationFailed("code_expired", "This code has expired or was already used. Ask for a new one.", "code");

            // Count the attempt before comparing: the database decides, so N parallel requests get at most the limit.
            var counted = await db.SignInCodes
                .Where(c => c.Id == code.Id && c.Attempts < CodeLimits.AttemptsPerCode && c.UsedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.Attempts, c => c.Attempts + 1), ct);
            if (counted == 0)
            {
                var usedMeanwhile = await db.SignInCodes.AnyAsync(c => c.Id == code.Id && c.UsedAt != null, ct);
                throw usedMeanwhile
                    ? new OperationFailed("code_expired", "This code has expired or was already used. Ask for a new one.", "code")
                    : new OperationFailed("code_locked", "Too many wrong attempts for this code. Ask for a new one.", "code", 429);
            }
            await tx.CommitAsync(ct);
            return code;
        });

        if (!CryptographicOperations.FixedTimeEquals(
                Convert.FromHexString(latest.CodeHash), Convert.FromHexString(SendSignInCode.Hash(tenantId, customerId, digits))))
            throw new OperationFailed("wrong_code", "This code is not right. Check the latest message we sent you.", "code");

        var used = await db.SignInCodes.Where(c => c.Id == latest.Id && c.UsedAt == null && c.ExpiresAt > now)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.UsedAt, now), ct);
        if (used == 0) throw new OperationFailed("code_expired", "This code has expired or was already used. Ask for a new one.", "code");
    }
}
