using Smartbis.Web.Features.Segments;

namespace Smartbis.Web.Pages.App.Campaigns;

/// <summary>Marker for the segments and campaigns pages' strings (CampaignsText.pt-BR.resx; the English text is the key).</summary>
public sealed class CampaignsText
{
    /// <summary>A string for the shared layout's navigation, without another @inject there.</summary>
    public static string Nav(HttpContext http, string text) =>
        http.RequestServices.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer<CampaignsText>>()[text];

    /// <summary>The English name of a segment (the resx key of its pt-BR name).</summary>
    public static string SegmentName(SegmentKind s) => s switch
    {
        SegmentKind.New => "New",
        SegmentKind.Active => "Active",
        SegmentKind.Loyal => "Loyal / VIP",
        SegmentKind.AtRisk => "At risk",
        _ => "Lost",
    };
}
