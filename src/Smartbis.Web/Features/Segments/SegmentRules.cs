using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Customers;

namespace Smartbis.Web.Features.Segments;

/// <summary>Reads: the thresholds in force, and the customers of a segment or a tag (the one audience filter).</summary>
public static class SegmentRules
{
    public static readonly SegmentKind[] All = [SegmentKind.New, SegmentKind.Active, SegmentKind.Loyal, SegmentKind.AtRisk, SegmentKind.Lost];

    /// <summary>The latest version, or the defaults (version 0) when the merchant never changed them.</summary>
    public static async Task<SegmentSettings> SettingsAsync(SmartbisDb db, CancellationToken ct = default) =>
        await db.Set<SegmentSettings>().AsNoTracking().OrderByDescending(s => s.Version).FirstOrDefaultAsync(ct) ?? SegmentSettings.Defaults();

    /// <summary>"segment:Loyal" or "tag:{id}" — how a segment or a tag is named in a filter or a campaign's audience.</summary>
    public static bool TryParseAudience(string? value, out SegmentKind? segment, out Guid? tagId)
    {
        segment = null;
        tagId = null;
        if (string.IsNullOrWhiteSpace(value)) return false;
        if (value.StartsWith("segment:", StringComparison.Ordinal) && Enum.TryParse<SegmentKind>(value[8..], out var s) && Enum.IsDefined(s))
        {
            segment = s;
            return true;
        }
        if (value.StartsWith("tag:", StringComparison.Ordinal) && Guid.TryParse(value[4..], out var t))
        {
            tagId = t;
            return true;
        }
        return false;
    }

    /// <summary>Customers in a segment (the stored, indexed assignment) or carrying a tag.</summary>
    public static IQueryable<Customer> Filter(SmartbisDb db, IQueryable<Customer> customers, SegmentKind? segment, Guid? tagId)
    {
        if (segment is { } s) customers = customers.Where(c => db.Set<CustomerSegment>().Any(x => x.CustomerId == c.Id && x.Segment == s));
        if (tagId is { } t) customers = customers.Where(c => db.Set<CustomerTag>().Any(x => x.CustomerId == c.Id && x.TagId == t));
        return customers;
    }
}
