using System.Collections.Concurrent;

namespace Smartbis.Web.Data.Caching;

/// <summary>
/// The tenant configuration a request reads again and again (its API keys, plan, program rules, tiers, challenges,
/// stores and settings), kept in memory between requests (docs/performance.md, "Caches"). Correct on every node at once
/// because PostgreSQL says when it changes: a trigger on each cached table calls <c>pg_notify</c> in the writing
/// transaction, delivered at commit to every node's <see cref="ConfigChangeListener"/>, which drops the tenant's entries.
/// - While a node is not listening (starting, its listening connection lost, or a Citus cluster, whose triggers fire on
///   the workers), nothing is kept: every read goes to the database, as without a cache.
/// - A load that overlaps a change is not kept: each tenant has a generation, bumped on every change; a value is stored
///   only if the generation it was loaded under is still current, so a read that began before a change cannot put the
///   old value back after the change was announced.
/// - The node that makes a change also drops the tenant as soon as it saves (<see cref="ConfigChangeInterceptor"/>), so
///   its own next request never waits for the notification.
/// Values must be immutable or never changed by their readers (records, no-tracking entities used read-only).
/// </summary>
public sealed class ConfigCache
{
    /// <summary>The scope of entries that belong to no tenant (plans, the API keys' hash → tenant map).</summary>
    public static readonly Guid Global = Guid.Empty;

    private sealed record Entry(object? Value, (long Global, long Tenant) Generation);

    private readonly ConcurrentDictionary<(Guid Tenant, string Name), Entry> entries = new();
    private readonly ConcurrentDictionary<Guid, long> generations = new();
    private long globalGeneration;
    private volatile bool enabled;

    /// <summary>Whether values are kept (the node is listening for changes).</summary>
    public bool Enabled => enabled;

    /// <summary>Entries kept now (for the tests and the metrics).</summary>
    public int Count => entries.Count;

    private long heard;

    /// <summary>
    /// How many change notifications this node has applied. A change made elsewhere (another node, a script) reaches this
    /// node's cache when its notification arrives, a moment after the commit: tests that change the database behind the
    /// app's back wait for this to move before they ask the app.
    /// </summary>
    public long Heard => Interlocked.Read(ref heard);

    /// <summary>Applies a notification: the tenant's entries (or every entry, for <see cref="Global"/>) are dropped.</summary>
    internal void Hear(Guid tenant)
    {
        Invalidate(tenant);
        Interlocked.Increment(ref heard);
    }

    /// <summary>The value of <paramref name="name"/> for the tenant: kept, or loaded (and kept when nothing changed meanwhile).</summary>
    public async ValueTask<T> GetAsync<T>(Guid tenant, string name, Func<Task<T>> load, Func<T, bool>? keep = null)
    {
        if (!enabled) return await load();
        var generation = GenerationOf(tenant);
        if (entries.TryGetValue((tenant, name), out var hit) && hit.Generation == generation) return (T)hit.Value!;
        var value = await load();
        if (enabled && GenerationOf(tenant) == generation && (keep is null || keep(value))) entries[(tenant, name)] = new Entry(value, generation);
        return value;
    }

    /// <summary>Drops everything kept for a tenant (or, for <see cref="Global"/>, everything).</summary>
    public void Invalidate(Guid tenant)
    {
        if (tenant == Global)
        {
            InvalidateAll();
            return;
        }
        generations.AddOrUpdate(tenant, 1, (_, g) => g + 1);
        foreach (var key in entries.Keys)
            if (key.Tenant == tenant) entries.TryRemove(key, out _);
    }

    public void InvalidateAll()
    {
        Interlocked.Increment(ref globalGeneration);
        entries.Clear();
    }

    /// <summary>Starts keeping values (the listener calls it once connected and has just dropped whatever it may have missed).</summary>
    public void Enable()
    {
        InvalidateAll();
        enabled = true;
    }

    /// <summary>Stops keeping values and drops them (the listener lost its connection: changes may go unheard).</summary>
    public void Disable()
    {
        enabled = false;
        InvalidateAll();
    }

    // A tenant's generation moves with its own changes and with every global one.
    private (long Global, long Tenant) GenerationOf(Guid tenant) =>
        (Interlocked.Read(ref globalGeneration), generations.TryGetValue(tenant, out var g) ? g : 0);
}
