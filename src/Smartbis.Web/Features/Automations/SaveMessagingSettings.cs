using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Automations;

/// <summary>
/// Saves the channel settings (sender identity, quiet hours, frequency caps, WhatsApp number id and token) with the audit
/// entry, in one SaveChanges. The token is write-only: blank keeps the stored one; it is stored protected with Data
/// Protection; removing the number id removes the token.
/// </summary>
public sealed class SaveMessagingSettings(SmartbisDb db, TimeProvider clock, IDataProtectionProvider protection)
{
    public sealed record Request(string? SenderName, string? ReplyTo, TimeOnly QuietFrom, TimeOnly QuietUntil, int MaxPerDay, int MaxPerWeek,
        string? WhatsAppPhoneNumberId, string? WhatsAppToken);

    /// <summary>Errors keyed by the request's property names.</summary>
    public static Validation Validate(Request r) => new Validation()
        .Check(r.ReplyTo is not { Length: > 0 } reply || Emails.Normalize(reply) is not null, nameof(r.ReplyTo), "email_invalid")
        .Check(r.SenderName is not { Length: > 120 }, nameof(r.SenderName), "sender_name_too_long")
        .Check(r.MaxPerDay is >= 0 and <= 50, nameof(r.MaxPerDay), "max_per_day_range")
        .Check(r.MaxPerWeek is >= 0 and <= 200, nameof(r.MaxPerWeek), "max_per_week_range")
        .Check(r.WhatsAppPhoneNumberId is not { Length: > 0 } id || id.All(char.IsDigit), nameof(r.WhatsAppPhoneNumberId), "phone_number_id_digits");

    /// <returns>Whether a WhatsApp token is now stored.</returns>
    public async Task<bool> ExecuteAsync(Request r, AuditActor actor, CancellationToken ct = default)
    {
        Validate(r).ThrowIfInvalid();
        var s = await Messaging.SettingsAsync(db, ct);
        if (Blank(r.WhatsAppPhoneNumberId) is not null && Blank(r.WhatsAppPhoneNumberId) != s.WhatsAppPhoneNumberId)
            await Plans.PlanLimits.EnsureFeatureAsync(db, Plans.PlanFeature.WhatsApp, ct);
        var before = new { s.SenderName, s.ReplyTo, s.QuietFrom, s.QuietUntil, s.MaxPerDay, s.MaxPerWeek, s.WhatsAppPhoneNumberId };
        s.SenderName = Blank(r.SenderName);
        s.ReplyTo = r.ReplyTo is { Length: > 0 } reply ? Emails.Normalize(reply) : null;
        (s.QuietFrom, s.QuietUntil, s.MaxPerDay, s.MaxPerWeek) = (r.QuietFrom, r.QuietUntil, r.MaxPerDay, r.MaxPerWeek);
        s.WhatsAppPhoneNumberId = Blank(r.WhatsAppPhoneNumberId);
        if (s.WhatsAppPhoneNumberId is null) s.WhatsAppTokenProtected = null;
        else if (Blank(r.WhatsAppToken) is { } token) s.WhatsAppTokenProtected = protection.CreateProtector(WhatsAppTokens.Purpose).Protect(token);
        s.UpdatedAt = clock.GetUtcNow();
        RecordAudit.Add(db, actor, s.UpdatedAt, "messaging.update", "Channel settings saved", "messaging_settings", s.TenantId, before,
            new { s.SenderName, s.ReplyTo, s.QuietFrom, s.QuietUntil, s.MaxPerDay, s.MaxPerWeek, s.WhatsAppPhoneNumberId, TokenChanged = Blank(r.WhatsAppToken) is not null });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The number id is unique across businesses (the status webhook finds the tenant by it).
            throw new OperationFailed("phone_number_id_taken", "phone_number_id_taken", nameof(r.WhatsAppPhoneNumberId), 409);
        }
        return s.WhatsAppTokenProtected is not null;
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
