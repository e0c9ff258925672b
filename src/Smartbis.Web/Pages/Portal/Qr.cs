using Microsoft.Extensions.Caching.Memory;
using QRCoder;

namespace Smartbis.Web.Pages.Portal;

/// <summary>
/// QR codes drawn on the server (QRCoder) as PNG data URIs: no script, and the CSP allows data: images. Drawing one
/// costs about 0.3 ms of CPU (the error-correction and mask search, not the PNG), and a member's home shows one per
/// voucher: the image of a code never changes, so recent ones are kept (bounded, about 400 bytes each).
/// </summary>
public static class Qr
{
    private static readonly MemoryCache Drawn = new(new MemoryCacheOptions { SizeLimit = 20_000 });

    public static string DataUri(string text, int pixelsPerModule = 6) =>
        Drawn.GetOrCreate((text, pixelsPerModule), entry =>
        {
            entry.Size = 1;
            entry.SlidingExpiration = TimeSpan.FromHours(1);
            return Draw(text, pixelsPerModule);
        })!;

    private static string Draw(string text, int pixelsPerModule)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(pixelsPerModule);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }
}
