using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Portal;
using Smartbis.Web.Features.Programs;

namespace Smartbis.Tests.Security;

/// <summary>Helpers of the sign-in hardening tests: clients with a client IP, copied cookies, members with planted codes.</summary>
public static partial class AuthKit
{
    /// <summary>A browser-like client whose requests come from <paramref name="ip"/> (X-Forwarded-For, as a proxy sends it).</summary>
    public static FormClient ClientFrom(this SmartbisFactory factory, string ip)
    {
        var client = factory.CreateFormClient();
        client.Http.DefaultRequestHeaders.Add("X-Forwarded-For", ip);
        return client;
    }

    /// <summary>A browser-like client (cookies kept, redirects not followed) whose every request comes from a new IP.</summary>
    public static FormClient EachRequestFromAnotherIp(SmartbisFactory factory) =>
        new(factory.CreateDefaultClient(new Uri("https://localhost"), new Microsoft.AspNetCore.Mvc.Testing.Handlers.CookieContainerHandler(), new RotatingIp()));

    private sealed class RotatingIp : DelegatingHandler
    {
        private static int next;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var n = Interlocked.Increment(ref next);
            request.Headers.Remove("X-Forwarded-For");
            request.Headers.Add("X-Forwarded-For", $"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}");
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>"name=value" of a cookie set by <paramref name="response"/>: what an attacker copies out of a browser.</summary>
    public static string CopyCookie(HttpResponseMessage response, string name)
    {
        response.Headers.TryGetValues("Set-Cookie", out var cookies).Should().BeTrue("the response signs in");
        var cookie = cookies!.Single(c => c.StartsWith(name + "=", StringComparison.Ordinal));
        return cookie[..cookie.IndexOf(';')];
    }

    /// <summary>GETs <paramref name="url"/> with nothing but a copied cookie, from a client that keeps no cookies of its own.</summary>
    public static async Task<HttpResponseMessage> ReplayAsync(SmartbisFactory factory, string cookie, string url)
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false, HandleCookies = false,
        });
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }

    /// <summary>Members joined through EnrollCustomer, each with a planted sign-in code "424242".</summary>
    public static async Task<List<(Guid Id, string Email)>> MembersWithCodesAsync(SmartbisFactory factory, Guid tenantId, string slug, int count)
    {
        var members = new List<(Guid, string)>();
        await using var scope = factory.CreateScope(tenantId);
        if (!await scope.Db.ProgramRules.AnyAsync())
            await scope.Get<SaveProgramRules>().ExecuteAsync(Features.SampleRules.Plain(), null, DateTimeOffset.UtcNow.AddDays(-1));
        for (var i = 0; i < count; i++)
        {
            var email = $"m{i}@{slug}.test";
            var joined = await scope.Get<EnrollCustomer>().ExecuteAsync(new EnrollCustomer.Request($"Member {i}", null, email));
            scope.Db.SignInCodes.Add(new SignInCode
            {
                CustomerId = joined.CustomerId, Purpose = CodePurpose.SignIn, CodeHash = SendSignInCode.Hash(tenantId, joined.CustomerId, "424242"),
                SentTo = "m***@test", CreatedAt = DateTimeOffset.UtcNow, ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(10),
            });
            members.Add((joined.CustomerId, email));
        }
        await scope.Db.SaveChangesAsync();
        return members;
    }

    /// <summary>
    /// A page's HTML without what differs between two renderings of the same answer: antiforgery tokens and the value the
    /// visitor typed (replaced by "…").
    /// </summary>
    public static string Normalized(string html, params string[] typed)
    {
        html = WebUtility.HtmlDecode(html);
        foreach (var t in typed.Where(t => t.Length > 0)) html = html.Replace(t, "…", StringComparison.OrdinalIgnoreCase);
        return Token().Replace(html, "<input antiforgery>");
    }

    [GeneratedRegex("<input[^>]*__RequestVerificationToken[^>]*>")]
    private static partial Regex Token();
}
