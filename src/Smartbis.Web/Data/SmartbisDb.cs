using System.Linq.Expressions;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Data;

public sealed partial class SmartbisDb(DbContextOptions<SmartbisDb> options, TenantContext tenant)
    : IdentityDbContext<AppUser>(options), IDataProtectionKeyContext
{
    /// <summary>Name of the query filter every tenant-owned entity carries.</summary>
    public const string TenantFilter = "Tenant";

    // Read by the query filter on every query: Guid.Empty (no tenant) matches no row.
    internal Guid CurrentTenantId => tenant.TenantId ?? Guid.Empty;

    public TenantContext Tenant => tenant;

    /// <summary>Set only by <see cref="CrossTenantRead"/> while a cross-tenant read runs.</summary>
    internal CrossTenantPurpose? CrossTenantPurpose { get; set; }

    /// <summary>The transaction (EF's id) in which a prefixed command last set the RLS context, and that context.</summary>
    internal (Guid Transaction, string Sql)? ContextSetByPrefix { get; set; }

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
        IndexTenantKeys();
        GuardTenant();
        UseTransactionForTenant();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken ct = default)
    {
        IndexTenantKeys();
        GuardTenant();
        UseTransactionForTenant();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, ct);
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
            if (entry.State == EntityState.Added && entry.Entity.TenantId == Guid.Empty)
                entry.Entity.TenantId = current;
            if (entry.Entity.TenantId != current)
                throw new TenantViolationException($"Cannot save {entry.Metadata.ClrType.Name} of another tenant.");
        }
    }
}

public sealed class TenantViolationException(string message) : InvalidOperationException(message);
