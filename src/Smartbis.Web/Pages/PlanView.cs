using Microsoft.Extensions.Localization;
using Smartbis.Web.Features.Plans;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages;

/// <summary>How the plan pages write a plan's limits and prices (one place for every page that shows them).</summary>
public static class PlanView
{
    public static string Limit(int? limit, IStringLocalizer<PlanText> P) =>
        limit is { } n ? n.ToString("N0", System.Globalization.CultureInfo.CurrentCulture) : P["Unlimited"];

    public static string Price(PlanDefinition p, IStringLocalizer<PlanText> P) =>
        p.PriceCents == 0 ? P["Free of charge"] : P["{0} per month", Money.Format(p.PriceCents, p.CurrencyCode, System.Globalization.CultureInfo.CurrentCulture.Name)];

    public static string Metric(string metric, IStringLocalizer<PlanText> P) => metric switch
    {
        Metrics.Members => P["Members"],
        Metrics.Stores => P["Active stores"],
        Metrics.Staff => P["Staff"],
        Metrics.Emails => P["Emails this month"],
        Metrics.WhatsApp => P["WhatsApp messages this month"],
        "api" => P["API access"],
        _ => P["Automations"],
    };

    /// <summary>What stops, in words, for a downgrade's consequence.</summary>
    public static string Consequence(ChangePlan.Consequence c, IStringLocalizer<PlanText> P) => c.What switch
    {
        Metrics.Members => P["{0} members, the limit is {1}: new members are refused after the {2}-day grace period. Existing members keep earning and redeeming.", c.Used, c.Limit ?? 0, (int)PlanLimits.MemberGrace.TotalDays],
        Metrics.Stores => P["{0} active stores, the limit is {1}: they keep working, but no store can be added or reactivated.", c.Used, c.Limit ?? 0],
        Metrics.Staff => P["{0} staff members, the limit is {1}: everyone keeps access, but nobody new can be invited.", c.Used, c.Limit ?? 0],
        Metrics.Emails => P["{0} emails this month, the allowance is {1}: messages still go out; the excess shows in usage.", c.Used, c.Limit ?? 0],
        Metrics.WhatsApp when c.Limit == 0 => P["WhatsApp is not included: WhatsApp messages are skipped (emails still go)."],
        Metrics.WhatsApp => P["{0} WhatsApp messages this month, the allowance is {1}: messages still go out; the excess shows in usage.", c.Used, c.Limit ?? 0],
        "api" => P["API access is not included: API keys are refused with a 403 (the keys are kept)."],
        _ => P["Automations are not included: those already on keep running, but none can be switched on."],
    };
}
