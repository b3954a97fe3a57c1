using System.CommandLine;
using FaceEmbeddings.PostgreSql;
using FaceEmbeddings.Recognition;
using TorchSharp;

namespace FaceEmbeddings.Cli;

/// <summary>
/// <c>--gallery &lt;file&gt;</c> and <c>--gallery-key-file</c>, and the one place where the commands open a gallery:
/// every command goes through <see cref="OpenAsync"/>, so a new kind of gallery location (a database connection
/// string) is added here.
/// </summary>
internal sealed class GalleryOptions
{
    /// <summary>The environment variable that may hold a gallery file's key (base64), when no key file is named.</summary>
    public const string KeyEnvironmentVariable = "FACEEMBEDDINGS_GALLERY_KEY";

    private readonly Option<string> gallery = new("--gallery")
    {
        Description = "The gallery: a file (created by 'faceembed gallery add'), or a PostgreSQL connection string (Host=…;Database=…;Username=…;Password=…) for a gallery in the database's face_gallery_* tables.",
        HelpName = "file|connection-string",
        Required = true,
    };

    // The key itself is never an option: a command line is visible to every user of the machine and kept in shell history.
    private readonly Option<FileInfo> keyFile = new("--gallery-key-file")
    {
        Description = $"A file holding the key a gallery file is encrypted with (base64 of 32 random bytes, e.g. from 'openssl rand -base64 32'); or set {KeyEnvironmentVariable}. A new gallery is created encrypted; an existing one must have been saved with this key.",
        HelpName = "file",
    };

    public void AddTo(Command command)
    {
        command.Add(gallery);
        command.Add(keyFile);
    }

    /// <summary>Opens the gallery the command line names (see <see cref="OpenLocationAsync"/>).</summary>
    public async Task<OpenedGallery> OpenAsync(ParseResult parsed, GalleryDescriptor? createAs, torch.Device? device, CancellationToken cancellationToken)
    {
        string location = parsed.GetRequiredValue(gallery);
        FileInfo? keyFile = parsed.GetValue(this.keyFile);
        if (keyFile is not null && IsConnectionString(location))
            throw new UsageException("--gallery-key-file encrypts gallery files; a PostgreSQL gallery is protected by the database (its own encryption at rest and access rights).");
        GalleryEncryptionKey? key = IsConnectionString(location) ? null : ReadKey(keyFile);
        try
        {
            return await OpenLocationAsync(location, key, createAs, device, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            key?.Dispose();
            throw;
        }
    }

    /// <summary>The key from <paramref name="keyFile"/>, else from <see cref="KeyEnvironmentVariable"/>, else none.</summary>
    private static GalleryEncryptionKey? ReadKey(FileInfo? keyFile)
    {
        string? text;
        string source;
        if (keyFile is not null)
        {
            text = File.ReadAllText(keyFile.FullName);
            source = $"the key file '{keyFile.FullName}'";
        }
        else
        {
            text = Environment.GetEnvironmentVariable(KeyEnvironmentVariable);
            source = KeyEnvironmentVariable;
            if (string.IsNullOrWhiteSpace(text)) return null;
        }
        try
        {
            return GalleryEncryptionKey.FromBase64(text);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{source} holds no gallery key:", e);
        }
    }

    /// <summary>
    /// Opens the gallery at <paramref name="location"/>, a file encrypted with <paramref name="key"/> when there is one
    /// (the opened gallery owns the key). With <paramref name="createAs"/>, a missing gallery is created
    /// for that descriptor and an existing one must have it; without, the gallery must exist and any descriptor is taken.
    /// A file gallery is held on <paramref name="device"/> (the encoder's, so that searches run where the queries are);
    /// a database gallery searches in the database.
    /// </summary>
    private static async Task<OpenedGallery> OpenLocationAsync(string location, GalleryEncryptionKey? key, GalleryDescriptor? createAs, torch.Device? device,
        CancellationToken cancellationToken)
    {
        var fileOptions = new InMemoryFaceGalleryOptions { Device = device, EncryptionKey = key };
        if (IsConnectionString(location))
        {
            var gallery = await PostgresFaceGallery.OpenAsync(location, createAs, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new OpenedGallery(gallery, gallery.Location, key);
        }
        string path = Path.GetFullPath(location);
        if (File.Exists(path))
            return new OpenedGallery(await InMemoryFaceGallery.LoadAsync(path, createAs, fileOptions, cancellationToken).ConfigureAwait(false), path, key);
        if (createAs is null)
            throw new FileNotFoundException($"There is no gallery file '{path}'; create one with 'faceembed gallery add <folder> --gallery {location}'.", path);
        return new OpenedGallery(new InMemoryFaceGallery(createAs, fileOptions), path, key);
    }

    /// <summary>True for "Host=…;…": a location with a Host key is a connection string (a file name holds no '=' in practice).</summary>
    private static bool IsConnectionString(string location) =>
        location.Contains('=', StringComparison.Ordinal) && location.Contains("host", StringComparison.OrdinalIgnoreCase) && !File.Exists(location);
}

/// <summary>
/// An opened gallery and how to keep its changes (a file gallery is saved, encrypted with its key when it has one; a
/// database keeps them itself). Owns the gallery and the key.
/// </summary>
internal sealed class OpenedGallery(IFaceGallery gallery, string location, GalleryEncryptionKey? key) : IDisposable
{
    /// <summary>The gallery.</summary>
    public IFaceGallery Gallery { get; } = gallery;

    /// <summary>Where it lives, as messages name it.</summary>
    public string Location { get; } = location;

    /// <summary>Makes the changes made so far last.</summary>
    public Task CommitAsync(CancellationToken cancellationToken) =>
        Gallery is InMemoryFaceGallery file ? file.SaveAsync(Location, cancellationToken) : Task.CompletedTask;

    public void Dispose()
    {
        Gallery.Dispose();
        key?.Dispose();
    }
}
