using System.Globalization;
using System.Resources;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Audit;

/// <summary>
/// The audit log in the reader's language: each action (<see cref="AuditEntry.Action"/>) has a title and, when it has
/// values (<see cref="AuditEntry.Values"/>), a detail line; English in <see cref="Actions"/>, pt-BR in
/// <c>AuditText.pt-BR.resx</c> under "action.title" / "action.detail". <see cref="AuditEntry.Summary"/> keeps the English
/// sentence of the time for logs; pages show it only to English readers of entries written before values existed.
/// </summary>
// AuditText comes first in this file: the SDK names AuditText.pt-BR.resx after the first type of AuditText.cs.
public static class AuditText
{
    private static readonly ResourceManager Translations = new(typeof(AuditText).FullName!, typeof(AuditText).Assembly);

    public sealed record Text(string Title, string? Detail);

    /// <summary>action → English title and detail template. pt-BR: "action.title" and "action.detail" in the resx.</summary>
    public static readonly IReadOnlyDictionary<string, Text> Actions = new Dictionary<string, Text>(StringComparer.Ordinal)
    {
        ["staff.invitation_cancelled"] = new("Invitation cancelled", "Invitation of {email} cancelled"),
        ["staff.updated"] = new("Staff role changed", "Role set to {role:term}"),
        ["staff.deactivated"] = new("Staff member removed", "{email} removed from the staff"),
        ["staff.invited"] = new("Staff member invited", "{email} invited as {role:term}"),
        ["staff.joined"] = new("Staff member joined", "{email} accepted the invitation as {role:term}"),
        ["automation.update"] = new("Automation saved", "Automation {trigger} saved"),
        ["template.update"] = new("Message template saved", "Template {trigger}/{channel}/{locale} saved"),
        ["template.reset"] = new("Message template reset", "Template {trigger}/{channel}/{locale} back to the default"),
        ["message.retry"] = new("Message retried", null),
        ["messaging.update"] = new("Channel settings saved", null),
        ["tenant.created"] = new("Program created", "{name} ({slug})"),
        ["customers.imported"] = new("Customers imported", "{rows:number} customers imported from CSV with {opening:reward} of opening balances"),
        ["plan.upgrade_requested"] = new("Plan change requested", "From {from} to {to}"),
        ["plan.upgrade_approved"] = new("Plan change approved", "Plan change to {to} approved"),
        ["plan.upgrade_refused"] = new("Plan change refused", "Plan change to {to} refused"),
        ["plan.changed"] = new("Plan changed", "From {from} to {to} {reason}"),
        ["challenge.created"] = new("Challenge created", "“{name}”"),
        ["challenge.updated"] = new("Challenge changed", "“{name}”"),
        ["challenge.ended"] = new("Challenge ended", "“{name}”"),
        ["tiers.updated"] = new("Tiers saved", "Tiers saved as version {version}"),
        ["balance.adjusted"] = new("Balance adjusted", "Balance of {customer} adjusted by {amount:reward}: {reason}"),
        ["customer.blocked"] = new("Customer blocked", "{customer}"),
        ["customer.unblocked"] = new("Customer unblocked", "{customer}"),
        ["customer.enrolled"] = new("Customer enrolled", "{customer} enrolled ({source:term})"),
        ["customers.exported"] = new("Customers exported", "{count:number} customers exported to CSV"),
        ["program.updated"] = new("Program rules saved", "Program rules saved as version {version}"),
        ["tenant.suspended"] = new("Program suspended", "Suspended by the platform operator: {reason}"),
        ["tenant.reactivated"] = new("Program reactivated", "Reactivated by the platform operator: {reason}"),
        ["webhook.redeliver"] = new("Webhook sent again", "Event {eventId} ({eventType}) sent again"),
        ["webhook.disable"] = new("Webhook disabled", "Webhook to {url} disabled"),
        ["webhook.create"] = new("Webhook created", "Webhook to {url} created"),
        ["apikey.create"] = new("API key created", "API key “{name}” ({prefix}…) created"),
        ["apikey.revoke"] = new("API key revoked", "API key “{name}” ({prefix}…) revoked"),
        ["anomaly.reviewed"] = new("Anomaly flag reviewed", "Note: {note}"),
        ["manager_pin.set"] = new("Counter PIN set", null),
        ["manager_pin.failed"] = new("Wrong manager PIN at the counter", null),
        ["counter_settings.updated"] = new("Counter fraud-control thresholds changed", null),
        ["purchase.recorded"] = new("Purchase recorded", "Purchase {receipt} of {amount:money}: earned {earned:reward}, paid with balance or voucher {paid:money}"),
        ["purchase.refunded"] = new("Refund recorded", "Refund of {amount:money} ({reason}): reversed {reversed:reward}, returned {returned:reward}"),
        ["redemption_code.sent"] = new("One-time code sent", "Code sent to {sentTo} for a redemption of up to {amount:money}"),
        ["settings.updated"] = new("Business settings changed", null),
        ["store.created"] = new("Store added", "{name}"),
        ["store.updated"] = new("Store changed", "{name}"),
        ["report.exported"] = new("Report exported", "Liability report, {from:day} to {to:day}"),
        ["reward.created"] = new("Reward added to the catalogue", "{name}"),
        ["reward.updated"] = new("Reward changed", "{name}"),
        ["reward.archived"] = new("Reward archived", "{name}"),
        ["reward.restored"] = new("Reward back in the catalogue", "{name}"),
        ["reward.redeemed"] = new("Reward redeemed", "{points:reward} of {customer} for {name} ({source:term})"),
        ["reward.delivered"] = new("Reward delivered", "{name} (code {code})"),
        ["category.created"] = new("Category added", "{code}: {namePt} / {nameEn}"),
        ["category.updated"] = new("Category changed", "{code}: {namePt} / {nameEn}"),
        ["category.deleted"] = new("Category removed", "{code}"),
        ["results.settings_saved"] = new("Results settings saved", "Control group and message costs saved as version {version}"),
        ["results.exported"] = new("Results report exported", "Members who joined from {from} to {to}"),
        ["campaign.created"] = new("Campaign created", "“{name}”"),
        ["campaign.updated"] = new("Campaign edited", "“{name}”"),
        ["campaign.launched"] = new("Campaign launched", "“{name}”"),
        ["campaign.cancelled"] = new("Campaign cancelled", "“{name}”"),
        ["segments.thresholds_changed"] = new("Segment thresholds changed", "Saved as version {version}"),
        ["customer.tagged"] = new("Tag added to a customer", "Tag “{tag}”"),
        ["customer.untagged"] = new("Tag removed from a customer", "Tag “{tag}”"),

    };

    /// <summary>Codes a detail names with <c>{x:term}</c> (roles, sources), in English; pt-BR: "term.code" in the resx.</summary>
    public static readonly IReadOnlyDictionary<string, string> Terms = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Owner"] = "Owner",
        ["Manager"] = "Manager",
        ["Cashier"] = "Cashier",
        ["counter"] = "at the counter",
        ["portal"] = "portal",
        ["import"] = "import",
        ["api"] = "API",
        ["signup"] = "sign-up",
        ["walk_in"] = "walk-in",
    };

    /// <summary>Flat keys (for the resx and its test): "action.title", "action.detail", "term.code" → English.</summary>
    public static IReadOnlyDictionary<string, string> Keys { get; } = Actions
        .SelectMany(a => a.Value.Detail is null ? [new KeyValuePair<string, string>(a.Key + ".title", a.Value.Title)]
            : new[] { new KeyValuePair<string, string>(a.Key + ".title", a.Value.Title), new(a.Key + ".detail", a.Value.Detail) })
        .Concat(Terms.Select(t => new KeyValuePair<string, string>("term." + t.Key, t.Value)))
        .ToDictionary(k => k.Key, k => k.Value, StringComparer.Ordinal);

    public static string? Template(string key, CultureInfo culture) => StoredTexts.Template(Translations, Keys, key, culture);

    public static string? Translation(string key, CultureInfo culture) => StoredTexts.Translation(Translations, key, culture);

    /// <summary>
    /// The entry's title and detail for the reader of <paramref name="c"/>. An action without a text (a newer one) shows its
    /// code; an entry without values shows its title, and to an English reader the English sentence it was written with.
    /// </summary>
    public static (string Title, string? Detail) Render(AuditEntry e, TextContext c)
    {
        var english = c.Culture.TwoLetterISOLanguageName == "en";
        var title = Template(e.Action + ".title", c.Culture) ?? e.Action;
        if (e.Values is null) return (title, english && e.Summary.Length > 0 ? e.Summary : null);
        var detail = Template(e.Action + ".detail", c.Culture);
        return (title, detail is null ? null : StoredTexts.Fill(detail, StoredTexts.Read(e.Values), c, t => Template("term." + t, c.Culture)));
    }
}
