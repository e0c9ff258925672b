using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Customers;

/// <summary>
/// A customer joins (portal, counter quick enrol, API, import). A phone known as an unclaimed walk-in is
/// claimed: the same customer row, so the credit already earned is theirs. A phone or email of a customer
/// who already joined is refused (409) naming that customer.
/// </summary>
public sealed class EnrollCustomer(LedgerUnit unit, TenantContext tenant, TimeProvider clock)
{
    public sealed record Request(
        string Name, string? Phone, string? Email, string? Cpf = null, DateOnly? BirthDate = null,
        bool EmailConsent = false, bool WhatsAppConsent = false, string? ConsentWording = null,
        string Source = "portal", string? ReferralCode = null, string? Locale = null, string? IdempotencyKey = null);

    /// <summary>The member as joined (what the API answers, stored with the idempotency key so a replay answers the same).</summary>
    public sealed record Result(Guid CustomerId, bool ClaimedWalkIn, string CardCode, string ReferralCode, long WelcomeBonusCents,
        string Name = "", string? Phone = null, string? Email = null, Balances? Balances = null, bool Replayed = false);

    public const string Operation = "enroll_customer";

    /// <summary>
    /// Joins in one transaction, with its audit entry when an <paramref name="actor"/> is given (counter, dashboard). With an
    /// idempotency key (counter form, API) a retry returns the first result (Replayed); without one (portal join, import),
    /// a second join is refused as a duplicate by the unique phone and email.
    /// </summary>
    public async Task<Result> ExecuteAsync(Request request, Audit.AuditActor? actor = null, CancellationToken ct = default)
    {
        var (phone, email, cpf) = Validate(request, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        if (request.IdempotencyKey is null)
            return await unit.RecordAsync(tenant.Require(), db => JoinAsync(db, clock.GetUtcNow(), request, phone, email, cpf, actor, ct), ct);
        var write = new IdempotentWrite(request.Source, request.IdempotencyKey, Operation, Idempotency.Hash(request with { IdempotencyKey = "" }), 201);
        var done = await unit.RunOnceAsync(tenant.Require(), write, clock, (db, now) => JoinAsync(db, now, request, phone, email, cpf, actor, ct), ct);
        return done.Replayed ? done.Value with { Replayed = true } : done.Value;
    }

    public Task<Result> ExecuteAsync(Request request, CancellationToken ct) => ExecuteAsync(request, null, ct);

    private static async Task<Result> JoinAsync(SmartbisDb db, DateTimeOffset now, Request request, string? phone, string? email, string? cpf,
        Audit.AuditActor? actor, CancellationToken ct)
    {
        {
            var books = new Books(db, now);
            var byPhone = phone is null ? null : await db.Customers.SingleOrDefaultAsync(c => c.Phone == phone, ct);
            var byEmail = email is null ? null : await db.Customers.SingleOrDefaultAsync(c => c.Email == email, ct);
            if (byPhone is { IsClaimed: true })
                throw Duplicate(byPhone.Id, "phone", "phone_taken");
            if (byEmail is not null && byEmail.Id != byPhone?.Id)
                throw Duplicate(byEmail.Id, "email", "email_taken");
            if (cpf is not null && await db.Customers.AnyAsync(c => c.Cpf == cpf && c.Id != (byPhone == null ? Guid.Empty : byPhone.Id), ct))
                throw new OperationFailed("duplicate", "cpf_taken", "cpf", 409);

            Guid? referrer = null;
            if (!string.IsNullOrWhiteSpace(request.ReferralCode))
            {
                var code = Codes.Normalize(request.ReferralCode);
                referrer = await db.Customers.Where(c => c.ReferralCode == code && c.JoinedAt != null).Select(c => (Guid?)c.Id).SingleOrDefaultAsync(ct)
                           ?? throw new OperationFailed("invalid_referral", "invalid_referral", "referralCode");
            }

            // A new member needs room under the plan (after the grace period); a walk-in who already earned keeps earning.
            await Plans.PlanLimits.EnsureCanAddMemberAsync(db, now, ct);
            var claimed = byPhone is not null;
            var customer = byPhone ?? NewCustomer(now);
            customer.Name = request.Name.Trim();
            customer.Phone = phone;
            customer.Email = email;
            customer.Cpf = cpf ?? customer.Cpf;
            customer.BirthDate = request.BirthDate ?? customer.BirthDate;
            customer.Locale = request.Locale ?? customer.Locale;
            await Results.ControlGroup.AssignOnJoinAsync(db, customer, now, ct); // drawn once, here, when they join
            customer.JoinedAt = now;
            customer.ReferredByCustomerId ??= referrer;
            customer.EmailConsent = request.EmailConsent && email is not null;
            customer.WhatsAppConsent = request.WhatsAppConsent && phone is not null;
            if (!claimed)
            {
                db.Customers.Add(customer);
                db.Accounts.Add(new Account { CustomerId = customer.Id, UpdatedAt = now });
            }
            foreach (var (channel, granted) in new[] { (Channel.Email, customer.EmailConsent), (Channel.WhatsApp, customer.WhatsAppConsent) })
                db.CustomerConsents.Add(new CustomerConsent
                {
                    CustomerId = customer.Id, Channel = channel, Granted = granted, At = now, Source = request.Source, Wording = request.ConsentWording,
                });
            await db.SaveChangesAsync(ct);

            var rules = await RulesInForce.AtAsync(db, now, ct);
            long welcome = 0;
            var account = await books.LockAsync(customer.Id, ct);
            if (rules.WelcomeBonusCents > 0)
                welcome = books.Credit(account, EntryKind.WelcomeBonus, rules.WelcomeBonusCents, "Welcome bonus for joining the program",
                    now, rules.ExpiryDays, ruleVersion: rules.Version, text: Ledger.EntryText.WelcomeBonus).Lot?.AmountCents ?? 0;
            books.Emit(Events.CustomerJoined, customer.Id, customer.Id, new { customerId = customer.Id, claimedWalkIn = claimed, source = request.Source, referredBy = referrer });
            if (actor is not null)
                Audit.RecordAudit.Add(db, actor, now, "customer.enrolled",
                    $"{customer.Name} enrolled ({request.Source}){(claimed ? " (claimed walk-in credit)" : "")}{(referrer is null ? "" : $" with referral code {Codes.Normalize(request.ReferralCode)}")}",
                    "customer", customer.Id, values: new { customer = customer.Name, source = request.Source });
            await db.SaveChangesAsync(ct);
            await Plans.Usage.AddAsync(db, now, Plans.UsageCounter.MembersJoined, 1, ct);
            return new Result(customer.Id, claimed, customer.CardCode, customer.ReferralCode, welcome, customer.Name, customer.Phone, customer.Email,
                Balances.Of(account));
        }
    }

    public static Customer NewCustomer(DateTimeOffset now) =>
        new() { CardCode = Codes.New(8), ReferralCode = Codes.New(8), CreatedAt = now };

    private static OperationFailed Duplicate(Guid existing, string field, string text) =>
        new("duplicate", new Dictionary<string, ErrorText[]> { [field] = [ErrorText.Of(text)] }, 409,
            new Dictionary<string, Guid> { ["existingCustomerId"] = existing });

    /// <summary>Field-level checks; returns the normalized phone, email and CPF.</summary>
    public static (string? Phone, string? Email, string? Cpf) Validate(Request r, DateOnly today)
    {
        var v = new Validation();
        v.Check(!string.IsNullOrWhiteSpace(r.Name) && r.Name.Trim().Length <= 120, "name", "name_required");
        var phone = Phones.ToE164(r.Phone);
        v.Check(string.IsNullOrWhiteSpace(r.Phone) || phone is not null, "phone", "phone_invalid");
        var email = Emails.Normalize(r.Email);
        v.Check(string.IsNullOrWhiteSpace(r.Email) || email is not null, "email", "email_invalid");
        v.Check(phone is not null || email is not null || !v.IsValid, "phone", "phone_or_email_required");
        var cpf = Cpf.Normalize(r.Cpf);
        v.Check(string.IsNullOrWhiteSpace(r.Cpf) || cpf is not null, "cpf", "cpf_invalid");
        v.Check(r.BirthDate is null || (r.BirthDate.Value.Year >= 1900 && r.BirthDate.Value <= today), "birthDate", "birth_date_invalid");
        v.ThrowIfInvalid();
        return (phone, email, cpf);
    }
}
