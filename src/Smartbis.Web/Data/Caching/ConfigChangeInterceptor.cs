using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Data.Caching;

/// <summary>
/// On the node that makes a change, drops the changed tenant's <see cref="ConfigCache"/> entries as soon as the change
/// commits, without waiting for the notification (which still tells every node, this one included). Saves of the cached
/// entities are seen here, and so are the SQL writes (<c>ExecuteUpdate</c>, <c>ExecuteDelete</c>, raw SQL) whose text names a
/// cached table.
/// </summary>
public sealed partial class ConfigChangeInterceptor : SaveChangesInterceptor, IDbTransactionInterceptor, IDbCommandInterceptor
{
    public static readonly ConfigChangeInterceptor Instance = new();

    /// <summary>The entities whose tables carry the notification trigger (migrations ConfigChangeNotifications, ResultsSettingsChangeNotifications).</summary>
    public static readonly IReadOnlySet<Type> Cached = new HashSet<Type>
    {
        typeof(Tenant), typeof(Store), typeof(TenantKey), typeof(Features.Integrations.ApiKey), typeof(Features.Programs.ProgramRules),
        typeof(Features.Tiers.TierProgram), typeof(Features.Challenges.Challenge), typeof(Features.Campaigns.Campaign), typeof(Features.Plans.PlanDefinition),
        typeof(Membership), typeof(Features.Counter.CounterSettings), typeof(Features.Categories.ProductCategory),
        typeof(Features.Results.ResultsSettings),
    };

    /// <summary>The tables of <see cref="Cached"/> (with their notification triggers), and whether a row names its tenant.</summary>
    private static readonly Dictionary<string, bool> Tables = new(StringComparer.OrdinalIgnoreCase)
    {
        ["tenants"] = false, ["plans"] = false, ["memberships"] = false, ["stores"] = true, ["tenant_keys"] = true, ["api_keys"] = true,
        ["program_rules"] = true, ["tier_programs"] = true, ["challenges"] = true, ["campaigns"] = true, ["counter_settings"] = true,
        ["product_categories"] = true, ["results_settings"] = true,
    };

    /// <summary>
    /// The comment (<c>-- …</c>) that opens a write to a cached table changing nothing a cache keeps: an API key's last
    /// use (Api/ApiKeyAuthentication). Its trigger ignores that column too (migration ApiKeyLastUseIsNotAChange).
    /// </summary>
    public const string NotAChange = "smartbis: not a configuration change";

    [GeneratedRegex(@"\b(?:UPDATE|INSERT\s+INTO|DELETE\s+FROM)\s+(?:ONLY\s+)?(?:""?public""?\.)?""?(\w+)""?", RegexOptions.IgnoreCase)]
    private static partial Regex WriteTarget();

    public DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData e, DbDataReader result)
    {
        SeeWrite(command, e.Context);
        return result;
    }

    public ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData e, DbDataReader result, CancellationToken ct = default)
    {
        SeeWrite(command, e.Context);
        return ValueTask.FromResult(result);
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData e, int result)
    {
        SeeWrite(command, e.Context);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData e, int result, CancellationToken ct = default)
    {
        SeeWrite(command, e.Context);
        return ValueTask.FromResult(result);
    }

    // A write that names a cached table: this context's tenant (a tenant table under row-level security can only be
    // written for it), or everything for a global table or a context without a tenant. SaveChanges' own batches are seen
    // by SavingChanges (with each row's tenant) and skipped here.
    private static void SeeWrite(DbCommand command, DbContext? context)
    {
        if (context is not SmartbisDb db || db.SavingNow || command.CommandText.Contains("-- " + NotAChange, StringComparison.Ordinal)) return;
        foreach (Match m in WriteTarget().Matches(command.CommandText))
            if (Tables.TryGetValue(m.Groups[1].Value, out var perTenant))
                db.ConfigChanged(perTenant && db.Tenant.TenantId is { } t ? t : ConfigCache.Global);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData e, InterceptionResult<int> result)
    {
        Collect(e.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData e, InterceptionResult<int> result, CancellationToken ct = default)
    {
        Collect(e.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData e, int result)
    {
        ApplyIfCommitted(e.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData e, int result, CancellationToken ct = default)
    {
        ApplyIfCommitted(e.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData e)
    {
        if (e.Context is SmartbisDb db) db.SavingNow = false;
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData e, CancellationToken ct = default)
    {
        if (e.Context is SmartbisDb db) db.SavingNow = false;
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData e) => Apply(e.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData e, CancellationToken ct = default)
    {
        Apply(e.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData e) => Forget(e.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData e, CancellationToken ct = default)
    {
        Forget(e.Context);
        return Task.CompletedTask;
    }

    private static void Collect(DbContext? context)
    {
        if (context is not SmartbisDb db) return;
        db.SavingNow = true;
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted) || !Cached.Contains(entry.Metadata.ClrType)) continue;
            db.NoteConfigChange(entry.Entity switch
            {
                Tenant t => t.Id,
                Membership => ConfigCache.Global, // kept per user, across tenants
                ITenantOwned owned => owned.TenantId,
                _ => ConfigCache.Global,
            });
        }
    }

    // Outside a transaction of the caller's, EF's own transaction has committed when SaveChanges returns.
    private static void ApplyIfCommitted(DbContext? context)
    {
        if (context is not SmartbisDb db) return;
        db.SavingNow = false;
        if (db.Database.CurrentTransaction is null) Apply(db);
    }

    private static void Apply(DbContext? context)
    {
        if (context is SmartbisDb db) db.ApplyConfigChanges();
    }

    private static void Forget(DbContext? context)
    {
        if (context is SmartbisDb db) db.ForgetConfigChanges();
    }
}
