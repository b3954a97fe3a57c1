using System.Text.Json;
using FaceEmbeddings.Audit;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Tests.Infrastructure;
using PuppeteerSharp;
using PuppeteerSharp.Media;
using SkiaSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Audit;

/// <summary>
/// The bias audit's report.html opened in a real browser, Debian's headless Chromium, driven over the DevTools
/// protocol: every image decodes, nothing is logged to the console as an error, the page prints to PDF. A screenshot
/// is kept as a test artifact (TestResults/report-browser/ in the test output folder).
/// </summary>
public sealed class ReportBrowserTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("report-browser-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>The seed pipeline fixture's 98 faces (49 black women, 49 white women) written as a report.</summary>
    private async Task<BiasAuditReportFiles> WriteReportAsync()
    {
        using SafeTensorsFile fixture = SafeTensors.Load(SharedData.PathOf("fixtures/seed_pipeline/reference.safetensors"));
        using Tensor embeddings = cat(new[] { fixture["black_female/embeddings"], fixture["white_female/embeddings"] }, 0);
        using Tensor cropBytes = cat(new[] { fixture["black_female/crops"], fixture["white_female/crops"] }, 0);
        using Tensor crops = cropBytes.to(ScalarType.Float32);
        string[] groups = Enumerable.Repeat("black women", 49).Concat(Enumerable.Repeat("white women", 49)).ToArray();
        BiasAuditResult result = BiasAudit.Run(embeddings, groups);
        return await BiasAuditReport.SaveAsync(_directory, result, embeddings, groups, crops,
            options: new BiasAuditReportOptions { FacesStandardized = true });
    }

    [ChromiumFact]
    public async Task Report_opens_in_Chromium_with_every_image_decoded_no_console_error_and_prints_to_pdf()
    {
        BiasAuditReportFiles files = await WriteReportAsync();
        string html = await File.ReadAllTextAsync(files.Html);
        string[] embedded = ReportLinks.Referenced(html).Where(link => link.StartsWith(ReportLinks.EmbeddedPngPrefix, StringComparison.Ordinal)).ToArray();
        embedded.Should().HaveCount(5, "the PCA plot, the distance heatmap, the face grid and the WSS and false-match-rate interval charts");
        // What the page weighs, and what: each embedded PNG's size and pixels (the face grid dominates).
        output.WriteLine($"report.html: {new FileInfo(files.Html).Length} bytes");
        foreach (string link in embedded)
        {
            byte[] png = ReportLinks.EmbeddedPng(link);
            using SKBitmap decoded = SKBitmap.Decode(png);
            output.WriteLine($"embedded PNG {decoded.Width}×{decoded.Height}: {png.Length} bytes, {link.Length} characters of base64");
        }

        string profile = Directory.CreateDirectory(Path.Combine(_directory, "chromium-profile")).FullName;
        await using IBrowser browser = await HeadlessChromium.LaunchAsync(profile);
        await using IPage page = await browser.NewPageAsync();
        await page.SetViewportAsync(new ViewPortOptions { Width = 1280, Height = 900 });
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Message.Type == ConsoleType.Error) problems.Add($"console: {message.Message.Text}");
        };
        page.PageError += (_, error) => problems.Add($"page error: {error.Message}");
        page.RequestFailed += (_, failed) => problems.Add($"request failed: {failed.Request.Url}");

        IResponse response = await page.GoToAsync(new Uri(files.Html).AbsoluteUri, new NavigationOptions { WaitUntil = [WaitUntilNavigation.Load] });
        response.Ok.Should().BeTrue();

        // The browser's own decoding of every <img>: complete, and with the sizes of the PNG the report embedded.
        JsonElement images = await page.EvaluateExpressionAsync<JsonElement>(
            "Array.from(document.images).map(i => ({ src: i.src, complete: i.complete, width: i.naturalWidth, height: i.naturalHeight }))");
        images.GetArrayLength().Should().Be(embedded.Length);
        foreach (JsonElement image in images.EnumerateArray())
        {
            image.GetProperty("complete").GetBoolean().Should().BeTrue();
            using SKBitmap png = SKBitmap.Decode(ReportLinks.EmbeddedPng(image.GetProperty("src").GetString()!));
            image.GetProperty("width").GetInt32().Should().Be(png.Width).And.BePositive();
            image.GetProperty("height").GetInt32().Should().Be(png.Height).And.BePositive();
        }

        byte[] pdf = await page.PdfDataAsync(new PdfOptions { Format = PaperFormat.A4, PrintBackground = true });
        System.Text.Encoding.ASCII.GetString(pdf, 0, 5).Should().Be("%PDF-");
        System.Text.Encoding.Latin1.GetString(pdf).Should().Contain("/Type /Page", "the PDF has at least one page");

        string artifacts = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults", "report-browser")).FullName;
        string screenshot = Path.Combine(artifacts, "report.png");
        await page.ScreenshotAsync(screenshot, new ScreenshotOptions { FullPage = true });
        using (SKBitmap shot = SKBitmap.Decode(screenshot))
            shot.Width.Should().Be(1280);

        problems.Should().BeEmpty();
    }
}
