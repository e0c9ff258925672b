using Microsoft.AspNetCore.DataProtection;
using Smartbis.Web.Features.Notifications.WhatsApp;

namespace Smartbis.Web.Features.Automations;

/// <summary>
/// Sends a one-time code by WhatsApp with the business's own credentials (portal sign-in, counter redemption):
/// straight away, not through the outbox, because someone is waiting for it. Codes are asked for by the customer,
/// so they need no marketing consent.
/// </summary>
public sealed class WhatsAppCodes(WhatsAppClient client, IDataProtectionProvider protection)
{
    /// <summary>The authentication template (category "Authentication", with a copy-code button) each business creates in WhatsApp Manager.</summary>
    public const string Template = "smartbis_sign_in_code";

    /// <exception cref="WhatsAppException">The Cloud API refused or could not be reached, or the stored token cannot be read.</exception>
    public async Task SendAsync(MessagingSettings settings, string phone, string locale, string code, CancellationToken ct)
    {
        string token;
        try { token = protection.CreateProtector(WhatsAppTokens.Purpose).Unprotect(settings.WhatsAppTokenProtected!); }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new WhatsAppException(WhatsAppFailure.Permanent, "The stored WhatsApp access token cannot be read; enter it again in the settings.", e);
        }
        await client.SendTemplateAsync(settings.WhatsAppPhoneNumberId!, token,
            new WhatsAppClient.TemplateMessage(phone, Template, locale, [code], CopyCode: code), ct);
    }
}
