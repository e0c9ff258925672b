using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;

namespace Smartbis.Web.Features.Tenancy;

/// <summary>
/// Checks a staff password the way sign-in must, for every path that takes one (the sign-in page, an invitation to an
/// existing account): failures are counted and lock the account (Identity's lockout: 5 failures → 15 minutes), and the
/// check holds the user's row lock, because Identity reads, checks and writes the failure count without one (50
/// parallel wrong passwords were all checked). An unknown email and a locked account do the same hashing work as a
/// real check, so neither answers faster than a wrong password.
/// </summary>
public sealed class CheckStaffPassword(SmartbisDb db, SignInManager<AppUser> signIn, TimeProvider clock)
{
    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<AppUser>().HashPassword(new AppUser(), Guid.NewGuid().ToString()));

    /// <summary>Succeeded, Failed (wrong password, or no such user) or LockedOut (counted, locked now or before).</summary>
    public async Task<SignInResult> ExecuteAsync(AppUser? user, string password, CancellationToken ct = default)
    {
        if (user is null)
        {
            BurnHash(password);
            return SignInResult.Failed;
        }
        var result = await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM users WHERE id = {user.Id} FOR UPDATE", ct);
            await db.Entry(user).ReloadAsync(ct);
            var checkedResult = await signIn.CheckPasswordSignInAsync(user, password ?? "", lockoutOnFailure: true);
            // When staff last signed in, for the operator's console (last activity): under the same row lock.
            if (checkedResult.Succeeded)
                await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE users SET last_sign_in_at = {clock.GetUtcNow()} WHERE id = {user.Id}", ct);
            await tx.CommitAsync(ct);
            return checkedResult;
        });
        if (result.IsLockedOut) BurnHash(password); // Identity refuses a locked account before hashing
        return result;
    }

    private void BurnHash(string? password) =>
        signIn.UserManager.PasswordHasher.VerifyHashedPassword(new AppUser(), DummyHash.Value, password ?? "");
}
