using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Data;

namespace Smartbis.Tests.Features.Ledger;

/// <summary>
/// Request contexts come from EF's pool (<see cref="SmartbisDb.Open"/>, DatabaseStartup): a context used by one scope is
/// handed to the next with that scope's tenant and nothing of the previous one's state. Every field of
/// <see cref="SmartbisDb"/> is dirtied here, so a field added later that the lease does not reset fails this test.
/// </summary>
public sealed class ContextPoolTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    private static readonly FieldInfo[] Fields = typeof(SmartbisDb).GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly);

    [Fact]
    public async Task A_pooled_context_reaches_the_next_scope_with_its_tenant_and_none_of_the_previous_state()
    {
        var first = await NewTenantAsync(SampleRules.Plain());
        var second = await NewTenantAsync(SampleRules.Plain());
        var ana = await first.EnrollAsync();
        var cache = Fixture.Get<Smartbis.Web.Data.Caching.ConfigCache>();

        SmartbisDb used;
        await using (var scope = first.Scope())
        {
            used = scope.Db;
            (await used.Customers.CountAsync(c => c.Id == ana)).Should().Be(1);
            foreach (var field in Fields.Where(f => f.Name is not ("tenant" or "cache"))) field.SetValue(used, Dirty(field));
        }

        // The pool hands the returned context out again; scopes that got another one (a background job's meanwhile) stay
        // open until it comes, so they cannot take it back.
        var held = new List<TestScope>();
        TestScope? next = null;
        for (var i = 0; i < 50 && next is null; i++)
        {
            var scope = second.Scope();
            if (ReferenceEquals(scope.Db, used)) next = scope;
            else held.Add(scope);
        }
        foreach (var other in held) await other.DisposeAsync();
        next.Should().NotBeNull("the context returned to the pool is leased again");
        await using var _ = next!;
        var db = next!.Db;
        db.Tenant.Should().BeSameAs(next.Tenant);
        db.Tenant.TenantId.Should().Be(second.Id);
        db.Cache.Should().BeSameAs(cache);
        foreach (var field in Fields.Where(f => f.Name is not ("tenant" or "cache")))
            field.GetValue(db).Should().Be(Default(field.FieldType), $"{field.Name} is reset when the context is leased");
        db.ChangeTracker.Entries().Should().BeEmpty();
        (await db.Customers.CountAsync(c => c.Id == ana)).Should().Be(0, "the first tenant's customer is not the second's");
    }

    /// <summary>A value other than the type's default; a field of a type this does not know fails the test until taught.</summary>
    private static object Dirty(FieldInfo field)
    {
        var type = Nullable.GetUnderlyingType(field.FieldType) ?? field.FieldType;
        if (type == typeof(bool)) return true;
        if (type.IsEnum) return Enum.GetValues(type).Cast<object>().First(v => !v.Equals(Activator.CreateInstance(type)));
        if (type.IsValueType) return Activator.CreateInstance(type)!; // in a Nullable<>: not null
        var created = type.GetConstructor(Type.EmptyTypes) is not null ? Activator.CreateInstance(type) : null;
        return created ?? throw new InvalidOperationException($"Teach this test to set SmartbisDb.{field.Name} ({field.FieldType.Name}).");
    }

    private static object? Default(Type type) => type.IsValueType && Nullable.GetUnderlyingType(type) is null ? Activator.CreateInstance(type) : null;
}
