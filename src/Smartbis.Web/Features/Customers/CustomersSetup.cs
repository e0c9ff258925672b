namespace Smartbis.Web.Features.Customers;

public static class CustomersSetup
{
    /// <summary>Customers: joining (portal, counter, API, import) and blocking.</summary>
    public static IHostApplicationBuilder AddSmartbisCustomers(this IHostApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddScoped<EnrollCustomer>();
        s.AddScoped<BlockCustomer>();
        return builder;
    }
}
