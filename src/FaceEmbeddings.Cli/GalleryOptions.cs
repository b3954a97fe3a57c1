using System.CommandLine;
using FaceEmbeddings.PostgreSql;
using FaceEmbeddings.Recognition;
using TorchSharp;

namespace FaceEmbeddings.Cli;

/// <summary>
/// <c>--gallery &lt;file&gt;</c>, and the one place where the commands open a gallery: every command goes through
/// <see cref="OpenAsync"/>, so a new kind of gallery location (a database connection string) is added here.
/// </summary>
internal sealed class GalleryOptions
{
    private readonly Option<string> _gallery = new("--gallery")
    {
        Description = "The gallery: a file (created by 'faceembed gallery add'), or a PostgreSQL connection string (Host=…;Database=…;Username=…;Password=…) for a gallery in the database's face_gallery_* tables.",
        HelpName = "file|connection-string",
        Required = true,
    };

    public void AddTo(Command command) => command.Add(_gallery);

    /// <summary>The gallery location the command line names.</summary>
    public string LocationOf(ParseResult parsed) => parsed.GetRequiredValue(_gallery);

    /// <summary>
    /// Opens the gallery at <paramref name="location"/>. With <paramref name="createAs"/>, a missing gallery is created
    /// for that descriptor and an existing one must have it; without, the gallery must exist and any descriptor is taken.
    /// A file gallery is held on <paramref name="device"/> (the encoder's, so that searches run where the queries are);
    /// a database gallery searches in the database.
    /// </summary>
    public static async Task<OpenedGallery> OpenAsync(string location, GalleryDescriptor? createAs, torch.Device? device, CancellationToken cancellationToken)
    {
        var fileOptions = new InMemoryFaceGalleryOptions { Device = device };
        if (IsConnectionString(location))
        {
            var gallery = await PostgresFaceGallery.OpenAsync(location, createAs, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new OpenedGallery(gallery, gallery.Location);
        }
        string path = Path.GetFullPath(location);
        if (File.Exists(path))
            return new OpenedGallery(await InMemoryFaceGallery.LoadAsync(path, createAs, fileOptions, cancellationToken).ConfigureAwait(false), path);
        if (createAs is null)
            throw new FileNotFoundException($"There is no gallery file '{path}'; create one with 'faceembed gallery add <folder> --gallery {location}'.", path);
        return new OpenedGallery(new InMemoryFaceGallery(createAs, fileOptions), path);
    }

    /// <summary>True for "Host=…;…": a location with a Host key is a connection string (a file name holds no '=' in practice).</summary>
    private static bool IsConnectionString(string location) =>
        location.Contains('=', StringComparison.Ordinal) && location.Contains("host", StringComparison.OrdinalIgnoreCase) && !File.Exists(location);
}

/// <summary>An opened gallery and how to keep its changes (a file gallery is saved; a database keeps them itself).</summary>
internal sealed class OpenedGallery(IFaceGallery gallery, string location) : IDisposable
{
    /// <summary>The gallery.</summary>
    public IFaceGallery Gallery { get; } = gallery;

    /// <summary>Where it lives, as messages name it.</summary>
    public string Location { get; } = location;

    /// <summary>Makes the changes made so far last.</summary>
    public Task CommitAsync(CancellationToken cancellationToken) =>
        Gallery is InMemoryFaceGallery file ? file.SaveAsync(Location, cancellationToken) : Task.CompletedTask;

    public void Dispose() => Gallery.Dispose();
}
