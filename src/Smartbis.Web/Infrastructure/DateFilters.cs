using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Localization;

namespace Smartbis.Web.Infrastructure;

/// <summary>
/// Date filters typed or forged in a query string (dashboard overview, reports, audit log): a value that is not a date,
/// or outside 2000-01-01 … today + 1 year (year 1 or 9999 overflowed the day arithmetic: 500s), gets a message beside
/// its field and is ignored — the page still answers 200 with its default range.
/// </summary>
public static class DateFilters
{
    public static readonly DateOnly Earliest = new(2000, 1, 1);

    public static DateOnly Latest(DateOnly today) => today.AddYears(1);

    public static (DateOnly? From, DateOnly? To) Check(ModelStateDictionary state, string fromKey, DateOnly? from, string toKey, DateOnly? to,
        DateOnly today, IStringLocalizer<SharedResource> T)
    {
        var message = T["Enter a date between {0} and {1}.", Earliest.ToString("d"), Latest(today).ToString("d")].Value;
        from = One(state, fromKey, from, today, message);
        to = One(state, toKey, to, today, message);
        if (from is { } f && to is { } t && f > t)
        {
            state.AddModelError(toKey, T["The end date must be on or after the start date."].Value);
            to = null;
        }
        return (from, to);
    }

    private static DateOnly? One(ModelStateDictionary state, string key, DateOnly? value, DateOnly today, string message)
    {
        var unreadable = state.TryGetValue(key, out var entry) && entry.Errors.Count > 0;
        if (!unreadable && (value is null || (value >= Earliest && value <= Latest(today)))) return value;
        state.Remove(key);
        state.AddModelError(key, message);
        return null;
    }
}
