using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Localization;

namespace Smartbis.Web.Infrastructure;

/// <summary>
/// The resource localizers, with each (UI culture, name) looked up once per process. <c>ResourceManager</c> takes a lock
/// shared by every request on each lookup (its resource set's cache), and a page looks up a few dozen texts: on the
/// counter page that was 5% of the app's CPU (docs/performance.md). The texts are compiled in, so nothing goes stale.
/// </summary>
public sealed class CachedStringLocalizerFactory(ResourceManagerStringLocalizerFactory inner) : IStringLocalizerFactory
{
    private readonly ConcurrentDictionary<Type, IStringLocalizer> byType = new();
    private readonly ConcurrentDictionary<(string, string), IStringLocalizer> byName = new();

    public IStringLocalizer Create(Type resourceSource) =>
        byType.GetOrAdd(resourceSource, t => new CachedStringLocalizer(inner.Create(t)));

    public IStringLocalizer Create(string baseName, string location) =>
        byName.GetOrAdd((baseName, location), k => new CachedStringLocalizer(inner.Create(k.Item1, k.Item2)));
}

/// <summary>One resource's texts by (UI culture, name); formatted with arguments exactly as <c>ResourceManagerStringLocalizer</c> does.</summary>
public sealed class CachedStringLocalizer(IStringLocalizer inner) : IStringLocalizer
{
    // Names are the code's literals plus a few stored codes (category names): bounded, but capped all the same.
    private const int MaxEntries = 20_000;
    private readonly ConcurrentDictionary<(string Culture, string Name), LocalizedString> texts = new();

    public LocalizedString this[string name]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(name);
            var key = (CultureInfo.CurrentUICulture.Name, name);
            if (texts.TryGetValue(key, out var text)) return text;
            text = inner[name];
            if (texts.Count < MaxEntries) texts.TryAdd(key, text);
            return text;
        }
    }

    public LocalizedString this[string name, params object[] arguments]
    {
        get
        {
            var format = this[name];
            var value = string.Format(CultureInfo.CurrentCulture, format.Value, arguments);
            return new LocalizedString(name, value, format.ResourceNotFound, format.SearchedLocation);
        }
    }

    public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => inner.GetAllStrings(includeParentCultures);
}
