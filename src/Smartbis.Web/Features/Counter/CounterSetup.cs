namespace Smartbis.Web.Features.Counter;

public static class CounterSetup
{
    public static IHostApplicationBuilder AddSmartbisCounter(this IHostApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddScoped<RecordCounterPurchase>();
        s.AddScoped<RefundAtCounter>();
        s.AddScoped<SendRedemptionCode>();
        s.AddScoped<SetManagerPin>();
        s.AddScoped<SaveCounterSettings>();
        s.AddScoped<ReviewAnomaly>();
        return builder;
    }
}
