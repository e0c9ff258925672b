namespace Smartbis.Web.Data.Seed;

/// <summary>A clock the seed moves forward by hand, so months of history go through the real operations.</summary>
public sealed class SeedClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;
    public override DateTimeOffset GetUtcNow() => Now;
}
