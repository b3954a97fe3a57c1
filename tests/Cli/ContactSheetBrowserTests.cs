using System.Text.Json;
using FaceEmbeddings.Tests.Infrastructure;
using PuppeteerSharp;

namespace FaceEmbeddings.Tests.Cli;

/// <summary>
/// The contact sheet of <c>faceembed cluster</c> opened in Debian's headless Chromium: no console error, no failed request,
/// and every face of clusters.json shown as a decoded thumbnail.
/// </summary>
public sealed class ContactSheetBrowserTests(PeopleClusters clusters) : IClassFixture<PeopleClusters>
{
    [ChromiumFact]
    public async Task Contact_sheet_opens_without_console_errors_and_shows_every_face()
    {
        clusters.Run.ExitCode.Should().Be(0, clusters.Run.ToString());
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(clusters.Output, "clusters.json")));
        int faceCount = document.RootElement.GetProperty("faceCount").GetInt32();
        int clusterCount = document.RootElement.GetProperty("clusters").GetArrayLength();

        string profile = Directory.CreateDirectory(Path.Combine(clusters.Scratch, "chromium-profile")).FullName;
        await using IBrowser browser = await HeadlessChromium.LaunchAsync(profile);
        await using IPage page = await browser.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Message.Type == ConsoleType.Error) problems.Add($"console: {message.Message.Text}");
        };
        page.PageError += (_, error) => problems.Add($"page error: {error.Message}");
        page.RequestFailed += (_, failed) => problems.Add($"request failed: {failed.Request.Url}");

        IResponse response = await page.GoToAsync(new Uri(Path.Combine(clusters.Output, "contact-sheet.html")).AbsoluteUri,
            new NavigationOptions { WaitUntil = [WaitUntilNavigation.Load] });
        response.Ok.Should().BeTrue();

        JsonElement images = await page.EvaluateExpressionAsync<JsonElement>(
            "Array.from(document.images).map(i => ({ complete: i.complete, width: i.naturalWidth, height: i.naturalHeight, shown: i.getBoundingClientRect().width }))");
        images.GetArrayLength().Should().Be(faceCount, "one thumbnail per face");
        foreach (JsonElement image in images.EnumerateArray())
        {
            image.GetProperty("complete").GetBoolean().Should().BeTrue();
            image.GetProperty("width").GetInt32().Should().Be(150, "face-api's crops are 150 pixels");
            image.GetProperty("height").GetInt32().Should().Be(150);
            image.GetProperty("shown").GetDouble().Should().BePositive();
        }
        int rows = await page.EvaluateExpressionAsync<int>("document.querySelectorAll('section[id^=cluster-]').length");
        rows.Should().Be(clusterCount, "one row per cluster");
        problems.Should().BeEmpty();
    }
}
