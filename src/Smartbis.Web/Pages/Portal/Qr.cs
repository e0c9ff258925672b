using QRCoder;

namespace Smartbis.Web.Pages.Portal;

/// <summary>QR codes drawn on the server (QRCoder) as PNG data URIs: no script, and the CSP allows data: images.</summary>
public static class Qr
{
    public static string DataUri(string text, int pixelsPerModule = 6)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(pixelsPerModule);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }
}
