using System.Globalization;
using System.Resources;

namespace Smartbis.Web.Infrastructure;

/// <summary>
/// Statuses and channels as people read them (an enum's name is never shown): "MessageStatus.Bounced" → "Bounced" /
/// "Devolvida". English here, pt-BR in <c>StatusText.pt-BR.resx</c>; <see cref="Enums"/> lists the enums shown, and a test
/// fails when one of their values lacks either text.
/// </summary>
// StatusText comes first in this file: the SDK names StatusText.pt-BR.resx after the first type of StatusText.cs.
public static class StatusText
{
    private static readonly ResourceManager Translations = new(typeof(StatusText).FullName!, typeof(StatusText).Assembly);

    /// <summary>The enums whose values pages, the operator console and exports show.</summary>
    public static readonly Type[] Enums =
    [
        typeof(Features.Automations.MessageStatus), typeof(Features.Integrations.DeliveryStatus), typeof(Features.Customers.Channel),
        typeof(Features.Vouchers.VoucherStatus), typeof(Features.Customers.CustomerStatus), typeof(Features.Tenancy.TenantStatus),
        typeof(Features.Plans.UpgradeStatus),
    ];

    /// <summary>"Enum.Value" → English.</summary>
    public static readonly IReadOnlyDictionary<string, string> Texts = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["MessageStatus.Scheduled"] = "Scheduled",
        ["MessageStatus.Sending"] = "Sending",
        ["MessageStatus.Sent"] = "Sent",
        ["MessageStatus.Delivered"] = "Delivered",
        ["MessageStatus.Read"] = "Read",
        ["MessageStatus.Failed"] = "Failed",
        ["MessageStatus.Bounced"] = "Bounced",
        ["MessageStatus.Unknown"] = "Unknown",
        ["MessageStatus.Skipped"] = "Skipped",
        ["DeliveryStatus.Pending"] = "Pending",
        ["DeliveryStatus.Delivered"] = "Delivered",
        ["DeliveryStatus.Failed"] = "Failed",
        ["Channel.Email"] = "Email",
        ["Channel.WhatsApp"] = "WhatsApp",
        ["VoucherStatus.Issued"] = "Issued",
        ["VoucherStatus.Redeemed"] = "Redeemed",
        ["VoucherStatus.Expired"] = "Expired",
        ["VoucherStatus.Cancelled"] = "Cancelled",
        ["CustomerStatus.Active"] = "Active",
        ["CustomerStatus.Blocked"] = "Blocked",
        ["CustomerStatus.Anonymized"] = "Deleted (LGPD)",
        ["TenantStatus.Active"] = "Active",
        ["TenantStatus.Suspended"] = "Suspended",
        ["UpgradeStatus.Pending"] = "Pending",
        ["UpgradeStatus.Approved"] = "Approved",
        ["UpgradeStatus.Refused"] = "Refused",
    };

    public static string? Translation(string key, CultureInfo culture) => StoredTexts.Translation(Translations, key, culture);

    /// <summary>The value in <paramref name="culture"/> (the UI culture when null); its name when it has no text.</summary>
    public static string Of<T>(T value, CultureInfo? culture = null) where T : struct, Enum =>
        StoredTexts.Template(Translations, Texts, $"{typeof(T).Name}.{value}", culture ?? CultureInfo.CurrentUICulture) ?? value.ToString();
}
