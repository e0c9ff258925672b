using System.Linq.Expressions;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Data;

/// <remarks>
/// Pooled (<see cref="DatabaseStartup"/>): a request's context is a reset one from EF's pool, handed its tenant by
/// <see cref="Lease"/>. Building a context resolved some forty internal services each time (7% of a counter page's CPU).
/// </remarks>
public sealed partial class SmartbisDb(DbContextOptions<SmartbisDb> options)
    : IdentityDbContext<AppUser>(options), IDataProtectionKeyContext
{
    private static readonly Caching.ConfigCache NoCache = new();
    private HashSet<Guid>? configChanges;
    private TenantContext tenant = new();
    private Caching.ConfigCache? cache;

    /// <summary>A context outside the app's services (tests, the migrator, design time).</summary>
    public static SmartbisDb Open(DbContextOptions<SmartbisDb> options, TenantContext tenant, Caching.ConfigCache? cache = null)
    {
        var db = new SmartbisDb(options);
        db.Lease(tenant, cache);
        return db;
    }

    /// <summary>
    /// Hands the context to a unit of work: its tenant and the node's cache, and none of its previous user's state (EF
    /// resets its own: tracked entities, transaction, connection, timeouts). Every field of this class is set here.
    /// </summary>
    internal void Lease(TenantContext tenantContext, Caching.ConfigCache? configCache)
    {
        tenant = tenantContext;
        cache = configCache;
        configChanges = null;
        afterCommit = null;
        OutboxTenants = null;
        SavingNow = false;
        CrossTenantPurpose = null;
        ContextSetByPrefix = null;
        TransactionLockTimeout = null;
    }

    /// <summary>The node's cache of tenant configuration (off, and so always reading, where none was given).</summary>
    public Caching.ConfigCache Cache => cache ?? NoCache;

    /// <summary>
    /// Notes that the tenant's cached configuration changed in this context's work: its entries are dropped on this node when
    /// the work commits (every node, this one included, also hears the trigger's notification).
    /// </summary>
    public void ConfigChanged(Guid tenantId)
    {
        NoteConfigChange(tenantId);
        if (Database.CurrentTransaction is null) ApplyConfigChanges(); // the write committed on its own
    }

    /// <summary>Notes a change to apply when this context's work commits (SaveChanges' rows, seen before they are written).</summary>
    internal void NoteConfigChange(Guid tenantId) => (configChanges ??= []).Add(tenantId);

    /// <summary>True while SaveChanges runs (its batches are seen row by row, not by their SQL).</summary>
    internal bool SavingNow { get; set; }

    /// <summary>
    /// The tenant's cached <paramref name="name"/>, or <paramref name="load"/> (kept unless <paramref name="keep"/> says no).
    /// A context that has saved changes to cached tables in its open transaction reads the database: the cache holds what
    /// was committed, and this work must see its own changes.
    /// </summary>
    public ValueTask<T> CachedAsync<T>(Guid tenantId, string name, Func<Task<T>> load, Func<T, bool>? keep = null) =>
        configChanges is null ? Cache.GetAsync(tenantId, name, load, keep) : new ValueTask<T>(load());

    /// <summary>The tenants of the outbox events this context saved in its open transaction (Automations/OutboxSignal).</summary>
    internal HashSet<Guid>? OutboxTenants { get; set; }

    private List<Action<IServiceProvider>>? afterCommit;

    /// <summary>
    /// Work to run once this context's unit has committed (<c>LedgerUnit</c> runs it with the unit's services; an attempt
    /// that rolls back, and a retried one, never runs it): counting in memory what the unit did (<c>Plans.UsageMeter</c>).
    /// </summary>
    public void AfterCommit(Action<IServiceProvider> work) => (afterCommit ??= []).Add(work);

    internal void RunAfterCommit(IServiceProvider services)
    {
        if (afterCommit is not { } list) return;
        afterCommit = null;
        foreach (var work in list) work(services);
    }

    internal void ApplyConfigChanges()
    {
        if (configChanges is null) return;
        foreach (var t in configChanges) Cache.Invalidate(t);
        configChanges = null;
    }

    internal void ForgetConfigChanges() => configChanges = null;

    /// <summary>Name of the query filter every tenant-owned entity carries.</summary>
    public const string TenantFilter = "Tenant";

    // Read by the query filter on every query: Guid.Empty (no tenant) matches no row.
    internal Guid CurrentTenantId => tenant.TenantId ?? Guid.Empty;

    public TenantContext Tenant => tenant;

    /// <summary>Set only by <see cref="CrossTenantRead"/> while a cross-tenant read runs.</summary>
    internal CrossTenantPurpose? CrossTenantPurpose { get; set; }

    /// <summary>The transaction (EF's id) in which a prefixed command last set the RLS context, and that context.</summary>
    internal (Guid Transaction, string Sql)? ContextSetByPrefix { get; set; }

    /// <summary>
    /// A bound on every lock wait of the current transaction (<c>SET LOCAL lock_timeout</c>, sent with the RLS context by the
    /// transaction's first command): set by <see cref="Features.Ledger.LedgerUnit.RunOnceAsync{T}"/> for its first attempt,
    /// which claims its idempotency key in its last batch (a wait past the bound there is a request with the same key in flight).
    /// </summary>
    internal TimeSpan? TransactionLockTimeout { get; set; }

    /// <summary>The Data Protection key ring shared by every node (platform-wide, not tenant-owned): see DataProtectionSetup.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<Store> Stores => Set<Store>();
    public DbSet<Features.Categories.ProductCategory> ProductCategories => Set<Features.Categories.ProductCategory>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<Features.Programs.ProgramRules> ProgramRules => Set<Features.Programs.ProgramRules>();
    public DbSet<Features.Customers.Customer> Customers => Set<Features.Customers.Customer>();
    public DbSet<Features.Customers.CustomerConsent> CustomerConsents => Set<Features.Customers.CustomerConsent>();
    public DbSet<Features.Ledger.Account> Accounts => Set<Features.Ledger.Account>();
    public DbSet<Features.Ledger.CreditLot> CreditLots => Set<Features.Ledger.CreditLot>();
    public DbSet<Features.Ledger.LedgerEntry> LedgerEntries => Set<Features.Ledger.LedgerEntry>();
    public DbSet<Features.Ledger.OutboxEvent> OutboxEvents => Set<Features.Ledger.OutboxEvent>();
    public DbSet<Features.Ledger.IdempotencyRecord> IdempotencyRecords => Set<Features.Ledger.IdempotencyRecord>();
    public DbSet<Features.Purchases.Purchase> Purchases => Set<Features.Purchases.Purchase>();
    public DbSet<Features.Purchases.PurchaseLine> PurchaseLines => Set<Features.Purchases.PurchaseLine>();
    public DbSet<Features.Purchases.PurchaseRefund> PurchaseRefunds => Set<Features.Purchases.PurchaseRefund>();
    public DbSet<Features.Vouchers.Voucher> Vouchers => Set<Features.Vouchers.Voucher>();

    protected override void OnModelCreating(ModelBuilder b)
    {
        base.OnModelCreating(b);
        b.ApplyConfigurationsFromAssembly(typeof(SmartbisDb).Assembly);
        // Identity names its tables explicitly (AspNetUsers...); keep the schema in one naming style.
        b.Entity<AppUser>().ToTable("users");
        b.Entity<Microsoft.AspNetCore.Identity.IdentityRole>().ToTable("roles");
        b.Entity<Microsoft.AspNetCore.Identity.IdentityUserRole<string>>().ToTable("user_roles");
        b.Entity<Microsoft.AspNetCore.Identity.IdentityUserClaim<string>>().ToTable("user_claims");
        b.Entity<Microsoft.AspNetCore.Identity.IdentityUserLogin<string>>().ToTable("user_logins");
        b.Entity<Microsoft.AspNetCore.Identity.IdentityUserToken<string>>().ToTable("user_tokens");
        b.Entity<Microsoft.AspNetCore.Identity.IdentityRoleClaim<string>>().ToTable("role_claims");

        foreach (var entity in b.Model.GetEntityTypes().Where(e => typeof(ITenantOwned).IsAssignableFrom(e.ClrType)))
        {
            var method = typeof(SmartbisDb).GetMethod(nameof(TenantFilterFor), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
                .MakeGenericMethod(entity.ClrType);
            b.Entity(entity.ClrType).HasQueryFilter(TenantFilter, (LambdaExpression)method.Invoke(this, null)!);
        }
    }

    private Expression<Func<T, bool>> TenantFilterFor<T>() where T : ITenantOwned => e => e.TenantId == CurrentTenantId;

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        var detect = DetectChangesOnce();
        try
        {
            IndexTenantKeys();
            GuardTenant();
            UseTransactionForTenant();
            return base.SaveChanges(acceptAllChangesOnSuccess);
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = detect;
        }
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken ct = default)
    {
        var detect = DetectChangesOnce();
        try
        {
            IndexTenantKeys();
            GuardTenant();
            UseTransactionForTenant();
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, ct);
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = detect;
        }
    }

    /// <summary>
    /// Detects the changes of the tracked entities once for the whole save, then turns automatic detection off until it
    /// ends (returns the setting to restore). Each <c>ChangeTracker.Entries()</c> detects them again otherwise, and a save
    /// reads the entries six times (the tenant keys twice, the tenant guard, EF's own save, the configuration and outbox
    /// interceptors): a purchase compared every property of its dozen entities six times.
    /// </summary>
    private bool DetectChangesOnce()
    {
        var detect = ChangeTracker.AutoDetectChangesEnabled;
        if (!detect) return false;
        ChangeTracker.DetectChanges();
        ChangeTracker.AutoDetectChangesEnabled = false;
        return true;
    }

    /// <summary>
    /// With a tenant set, SaveChanges always runs in a transaction, so that <see cref="TenantSessionInterceptor"/> can set
    /// app.tenant_id in it before the batch (row-level security); without one, EF's default (a transaction when needed).
    /// </summary>
    private void UseTransactionForTenant() =>
        Database.AutoTransactionBehavior = tenant.IsSet || CrossTenantPurpose is not null
            ? AutoTransactionBehavior.Always
            : AutoTransactionBehavior.WhenNeeded;

    /// <summary>
    /// The first wall: a tenant-owned row is saved only under its own tenant. A new row without a tenant
    /// takes the current one; any row of another tenant, or any tenant row with no tenant set, throws.
    /// </summary>
    private void GuardTenant()
    {
        foreach (var entry in ChangeTracker.Entries<ITenantOwned>())
        {
            if (entry.State is EntityState.Unchanged or EntityState.Detached) continue;
            if (tenant.TenantId is not { } current)
                throw new TenantViolationException($"Cannot save {entry.Metadata.ClrType.Name}: no tenant is set.");
            // Through the entry: changes are not detected again before the save (DetectChangesOnce).
            if (entry.State == EntityState.Added && entry.Entity.TenantId == Guid.Empty)
                entry.Property(nameof(ITenantOwned.TenantId)).CurrentValue = current;
            if (entry.Entity.TenantId != current)
                throw new TenantViolationException($"Cannot save {entry.Metadata.ClrType.Name} of another tenant.");
        }
    }
}

public sealed class TenantViolationException(string message) : InvalidOperationException(message);
