namespace FaceEmbeddings.Tests.Infrastructure;

/// <summary>
/// A test that needs Debian's Chromium (<see cref="Path"/>): skipped with the reason when it is not installed, except
/// under CI (<c>CI=true</c>), where the test runs and fails on the missing browser. scripts/install-chromium.sh
/// installs it.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    /// <summary>Where Debian's <c>chromium</c> package puts the browser.</summary>
    public const string Path = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Path) && !SharedData.IsCi)
            Skip = $"Chromium is not installed at {Path}: run scripts/install-chromium.sh (under CI=true this test fails instead).";
    }
}
