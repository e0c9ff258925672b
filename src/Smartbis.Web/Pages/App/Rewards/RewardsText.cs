using Microsoft.Extensions.Localization;

namespace Smartbis.Web.Pages.App.Rewards;

/// <summary>
/// Marker for the reward catalogue's UI strings on the dashboard, the portal and the counter (RewardsText.pt-BR.resx;
/// English is the key).
/// </summary>
public sealed class RewardsText
{
    /// <summary>The nav item's text, for the shared layout.</summary>
    public static string Nav(HttpContext http) => Text(http, "Rewards");

    /// <summary>One string in the request's language, for pages of other capabilities (the portal home's activity).</summary>
    public static string Text(HttpContext http, string english) =>
        http.RequestServices.GetRequiredService<IStringLocalizer<RewardsText>>()[english];

    /// <summary>The English key of a reward's availability (localized by the caller).</summary>
    public static string Availability(Features.Rewards.RewardAvailability a) => a switch
    {
        Features.Rewards.RewardAvailability.Available => "Available",
        Features.Rewards.RewardAvailability.Archived => "Archived",
        Features.Rewards.RewardAvailability.NotStarted => "Not started yet",
        Features.Rewards.RewardAvailability.Ended => "Ended",
        Features.Rewards.RewardAvailability.OutOfStock => "Out of stock",
        _ => "Not at this store",
    };
}
