using PuppeteerSharp;

namespace FaceEmbeddings.Tests.Infrastructure;

/// <summary>Debian's Chromium (<see cref="ChromiumFactAttribute.Path"/>) started headless for the page tests.</summary>
public static class HeadlessChromium
{
    /// <summary>Starts the browser with its profile in <paramref name="profile"/>.</summary>
    public static Task<IBrowser> LaunchAsync(string profile) => Puppeteer.LaunchAsync(new LaunchOptions
    {
        ExecutablePath = ChromiumFactAttribute.Path,
        Headless = true,
        UserDataDir = profile,
        // No sandbox (CI containers run as root), no GPU, and nothing that reaches the network on its own.
        Args =
        [
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync",
        ],
        Timeout = 60_000,
    });
}
