namespace Smartbis.Web.Features.Purchases;

public static class PurchasesSetup
{
    /// <summary>Purchases: recorded (earning, paying with cashback or a voucher) and refunded.</summary>
    public static IHostApplicationBuilder AddSmartbisPurchases(this IHostApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddScoped<RecordPurchase>();
        s.AddScoped<RefundPurchase>();
        return builder;
    }
}
