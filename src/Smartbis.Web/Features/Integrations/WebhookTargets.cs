using System.Net;
using System.Net.Sockets;

namespace Smartbis.Web.Features.Integrations;

/// <summary>
/// The SSRF guard: outside Development a webhook URL must be https and must not reach loopback, private,
/// link-local or otherwise internal addresses — checked when the URL is saved and again on every connection
/// (DNS may change between the two).
/// </summary>
public sealed class WebhookTargets(IConfiguration config, IHostEnvironment env)
{
    /// <summary>Development (and tests) deliver to local receivers; Smartbis:Webhooks:AllowPrivateTargets overrides.</summary>
    public bool AllowPrivate => config.GetValue("Smartbis:Webhooks:AllowPrivateTargets", env.IsDevelopment());

    /// <summary>Null when the URL may be used; otherwise why not.</summary>
    public async Task<string?> CheckUrlAsync(string? url, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > 2000 || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri)
            || uri.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(uri.UserInfo))
            return "url_format";
        if (AllowPrivate) return null;
        if (uri.Scheme != "https") return "url_https";
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(uri.IdnHost, out var ip) ? [ip] : await Dns.GetHostAddressesAsync(uri.IdnHost, ct);
        }
        catch (SocketException)
        {
            return "url_unresolved";
        }
        if (addresses.Length == 0) return "url_unresolved";
        return addresses.Any(IsInternal) ? "url_internal" : null;
    }

    /// <summary>Loopback, private (RFC 1918, fc00::/7), link-local, CGNAT, unspecified, multicast and other non-public ranges.</summary>
    public static bool IsInternal(IPAddress ip)
    {
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (IPAddress.IsLoopback(ip) || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any) || ip.Equals(IPAddress.IPv6None)) return true;
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = ip.GetAddressBytes();
            return b[0] switch
            {
                0 or 10 or 127 => true,
                100 => b[1] >= 64 && b[1] <= 127,   // CGNAT 100.64/10
                169 => b[1] == 254,                 // link-local, cloud metadata
                172 => b[1] >= 16 && b[1] <= 31,
                192 => (b[1] == 168) || (b[1] == 0 && b[2] is 0 or 2) || (b[1] == 88 && b[2] == 99),
                198 => b[1] is 18 or 19 || (b[1] == 51 && b[2] == 100),
                203 => b[1] == 0 && b[2] == 113,
                >= 224 => true,                     // multicast, reserved, broadcast
                _ => false,
            };
        }
        if (ip.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = ip.GetAddressBytes();
            return ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal || ip.IsIPv6Multicast || (b[0] & 0xFE) == 0xFC // unique local fc00::/7
                   || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8);                  // documentation
        }
        return true;
    }

    /// <summary>The HTTP handler for deliveries: outside Development it refuses to connect to an internal address.</summary>
    public SocketsHttpHandler CreateHandler()
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (AllowPrivate) return handler;
        handler.ConnectCallback = async (ctx, ct) =>
        {
            var addresses = await Dns.GetHostAddressesAsync(ctx.DnsEndPoint.Host, ct);
            var target = addresses.FirstOrDefault(a => !IsInternal(a))
                         ?? throw new HttpRequestException($"{ctx.DnsEndPoint.Host} resolves only to internal addresses; refused.");
            if (addresses.Any(IsInternal)) throw new HttpRequestException($"{ctx.DnsEndPoint.Host} resolves to an internal address; refused.");
            var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(target, ctx.DnsEndPoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
        return handler;
    }
}
