using System.Net;
using System.Net.Sockets;

namespace Smartbis.Web.Features.Security;

/// <summary>
/// The client a request comes from, as a limit's subject: the remote IP as ASP.NET Core sees it after the forwarded
/// headers middleware (X-Forwarded-For is honoured from the known proxies only, loopback by default: see WebSetup).
/// IPv6 clients are keyed by their /64, which one subscriber gets whole and can rotate addresses within.
/// </summary>
public static class ClientKey
{
    public static string Of(HttpContext http) => Of(http.Connection.RemoteIpAddress);

    public static string Of(IPAddress? ip)
    {
        if (ip is null) return "unknown";
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (ip.AddressFamily != AddressFamily.InterNetworkV6) return ip.ToString();
        var bytes = ip.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
