using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Tests.Tenancy;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Staff;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Tests.Dashboard;

/// <summary>
/// Every /app page and handler that takes an id, tried by tenant A's owner with tenant B's ids: 404, and B's rows
/// are exactly as they were.
/// </summary>
public sealed class TenantIsolationTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Every_app_handler_that_takes_an_id_answers_404_for_another_tenants_id_and_changes_nothing()
    {
        var a = await TenantKit.CreateAsync(fixture.Factory, "iso-dash-a");
        var b = await TenantKit.CreateAsync(fixture.Factory, "iso-dash-b");
        Guid customer, membership, invitation;
        await using (var scope = fixture.CreateScope(b.Id))
        {
            scope.Db.ProgramRules.Add(new Web.Features.Programs.ProgramRules { Version = 1, EffectiveFrom = DateTimeOffset.UtcNow.AddDays(-1), CreatedAt = DateTimeOffset.UtcNow });
            await scope.Db.SaveChangesAsync();
            customer = (await scope.Get<EnrollCustomer>().ExecuteAsync(new EnrollCustomer.Request("B's customer", "+5511987650001", null))).CustomerId;
            membership = await scope.Db.Memberships.Where(m => m.Role == StaffRole.Cashier).Select(m => m.Id).SingleAsync();
            var inv = new StaffInvitation
            {
                Email = "pending@b.test", Role = StaffRole.Cashier, StoreId = b.StoreId, TokenHash = new string('a', 64),
                CreatedAt = DateTimeOffset.UtcNow, ExpiresAt = DateTimeOffset.UtcNow.AddDays(7)
            };
            scope.Db.StaffInvitations.Add(inv);
            await scope.Db.SaveChangesAsync();
            invitation = inv.Id;
        }
        var before = await SnapshotAsync(b.Id);

        using var client = fixture.CreateFormClient();
        (await client.SignInAsync(a.Owner.Email, a.Owner.Password)).Dispose();
        var token = FormClient.FindAntiforgeryToken(await client.GetPageAsync("/app/staff"));

        var gets = new[] { $"/app/customers/{customer}", $"/app/stores/{b.StoreId}" };
        foreach (var url in gets)
            (await client.GetAsync(url)).StatusCode.Should().Be(HttpStatusCode.NotFound, url);

        var posts = new (string Url, Dictionary<string, string> Form)[]
        {
            ($"/app/customers/{customer}?handler=Adjust", new() { ["Adjust.Amount"] = "10.00", ["Adjust.Direction"] = "credit", ["Adjust.Reason"] = "hijack", ["Adjust.IdempotencyKey"] = Guid.NewGuid().ToString("N") }),
            ($"/app/customers/{customer}?handler=Block", new() { ["block"] = "true" }),
            ($"/app/stores/{b.StoreId}", new() { ["Input.Name"] = "Hijacked", ["Input.Active"] = "false" }),
            ($"/app/staff?handler=Update&id={membership}", new() { ["role"] = "Owner" }),
            ($"/app/staff?handler=Remove&id={membership}", new()),
            ($"/app/staff?handler=Revoke&id={invitation}", new()),
        };
        foreach (var (url, form) in posts)
        {
            using var response = await client.PostAsync(url, form, token);
            response.StatusCode.Should().Be(HttpStatusCode.NotFound, url);
        }

        // The overview's store filter with B's store falls back to A's whole business; it never shows B's figures.
        (await client.GetPageAsync($"/app?store={b.StoreId}")).Should().NotContain("iso-dash-b main store");
        (await SnapshotAsync(b.Id)).Should().Be(before);
    }

    private async Task<string> SnapshotAsync(Guid tenantId)
    {
        await using var scope = fixture.CreateScope(tenantId);
        var db = scope.Db;
        var customers = await db.Customers.AsNoTracking().OrderBy(c => c.Id).Select(c => c.Id + c.Status.ToString()).ToListAsync();
        var accounts = await db.Accounts.AsNoTracking().OrderBy(x => x.CustomerId).Select(x => x.AvailableCents + "/" + x.PendingCents).ToListAsync();
        var stores = await db.Stores.AsNoTracking().OrderBy(s => s.Id).Select(s => s.Name + s.Active).ToListAsync();
        var members = await db.Memberships.AsNoTracking().OrderBy(m => m.Id).Select(m => m.Id + m.Role.ToString()).ToListAsync();
        var invitations = await db.StaffInvitations.AsNoTracking().Select(i => i.Id + (i.RevokedAt == null ? "open" : "revoked")).ToListAsync();
        var entries = await db.LedgerEntries.CountAsync();
        return string.Join("|", customers.Concat(accounts).Concat(stores).Concat(members).Concat(invitations).Append(entries.ToString()));
    }
}
