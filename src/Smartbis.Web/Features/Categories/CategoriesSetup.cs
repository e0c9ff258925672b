namespace Smartbis.Web.Features.Categories;

public static class CategoriesSetup
{
    /// <summary>Product categories: the merchant's list (code + pt-BR/en names) the rules choose from and every page names.</summary>
    public static IHostApplicationBuilder AddSmartbisCategories(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<SaveCategory>();
        builder.Services.AddScoped<DeleteCategory>();
        return builder;
    }
}
