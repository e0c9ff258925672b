using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ModelBinding.Binders;

namespace Smartbis.Web.Infrastructure;

/// <summary>
/// Form and query strings lose any U+0000 as they are bound: PostgreSQL text cannot hold it, so a NUL typed into
/// (or forged into) a search box or a name would otherwise fail deep in the database as a 500. No real keyboard
/// produces it; removing it changes nothing a person meant.
/// </summary>
public sealed class NoNulStringBinderProvider : IModelBinderProvider
{
    public IModelBinder? GetBinder(ModelBinderProviderContext context) =>
        context.Metadata.ModelType == typeof(string) && context.BindingInfo.BindingSource is null or { IsFromRequest: true }
            && context.BindingInfo.BindingSource != BindingSource.Body
            ? new Binder(new SimpleTypeModelBinder(typeof(string), context.Services.GetRequiredService<ILoggerFactory>()))
            : null;

    private sealed class Binder(IModelBinder inner) : IModelBinder
    {
        public async Task BindModelAsync(ModelBindingContext context)
        {
            await inner.BindModelAsync(context);
            if (context.Result.IsModelSet && context.Result.Model is string s && s.Contains('\0'))
                context.Result = ModelBindingResult.Success(s.Replace("\0", "", StringComparison.Ordinal));
        }
    }
}
