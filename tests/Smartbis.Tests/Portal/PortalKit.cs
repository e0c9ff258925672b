using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Portal;

namespace Smartbis.Tests.Portal;

public static class PortalKit
{
    /// <summary>A code row for a member with a code the test knows (what SendSignInCode stores, without the email).</summary>
    public static async Task<Guid> IssueCodeAsync(this TestTenant tenant, Guid customerId, string code,
        CodePurpose purpose = CodePurpose.SignIn, TimeSpan? validFor = null)
    {
        await using var scope = tenant.Scope();
        // The test clock stands still: a code planted after another must still be the latest, as it is in real time.
        var previous = await scope.Db.SignInCodes.Where(c => c.CustomerId == customerId).MaxAsync(c => (DateTimeOffset?)c.CreatedAt);
        var createdAt = previous is { } p && p >= tenant.Now ? p.AddMilliseconds(1) : tenant.Now;
        var row = new SignInCode
        {
            CustomerId = customerId, Purpose = purpose, CodeHash = SendSignInCode.Hash(tenant.Id, customerId, code), SentTo = "t***@example.com",
            CreatedAt = createdAt, ExpiresAt = createdAt + (validFor ?? CodeLimits.Validity),
        };
        scope.Db.SignInCodes.Add(row);
        await scope.Db.SaveChangesAsync();
        return row.Id;
    }

    public static Task VerifyAsync(this TestTenant tenant, Guid customerId, string code, CodePurpose purpose = CodePurpose.SignIn) =>
        tenant.RunAsync<VerifySignInCode, bool>(async v => { await v.VerifyAsync(customerId, purpose, code); return true; });

    /// <summary>A browser-like client of the fake-clock app: cookies kept, redirects not followed, https://localhost.</summary>
    public static FormClient CreatePortalClient(this LedgerFixture fixture) =>
        new(fixture.App.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false }));

    /// <summary>Signs a member in through the real sign-in page with a code the test planted.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(this FormClient client, TestTenant tenant, Guid customerId, string identifier)
    {
        await tenant.IssueCodeAsync(customerId, "424242");
        return await client.SubmitAsync($"/{tenant.Slug}/signin",
            new Dictionary<string, string> { ["Identifier"] = identifier, ["Code"] = "424242" }, $"/{tenant.Slug}/signin?handler=Verify");
    }
}
