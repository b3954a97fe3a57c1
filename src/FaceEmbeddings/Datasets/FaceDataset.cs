namespace FaceEmbeddings.Datasets;

/// <summary>
/// A labelled set of face images: an image folder (one subfolder per label), the files matching a glob, or a
/// folder of UTKFace images labelled by their names. The file names are listed and sorted when the dataset is
/// made; the images themselves are read only while the dataset is processed, a batch at a time.
/// </summary>
/// <remarks>Files whose labels cannot be read are not fatal: they are left out and listed in <see cref="Rejected"/>.</remarks>
public sealed partial class FaceDataset
{
    private FaceDataset(string source, IReadOnlyList<FaceDatasetItem> items, IReadOnlyList<SkippedImage> rejected)
    {
        Source = source;
        Items = items;
        Rejected = rejected;
    }

    /// <summary>Where the dataset comes from: the folder or pattern it was made from.</summary>
    public string Source { get; }

    /// <summary>The images, ordered by full path (ordinal), with their labels.</summary>
    public IReadOnlyList<FaceDatasetItem> Items { get; }

    /// <summary>The files left out because their labels could not be read, with the reason.</summary>
    public IReadOnlyList<SkippedImage> Rejected { get; }

    /// <summary>The label names every item has (<see cref="FaceLabels.FolderKey"/>, or the UTKFace keys); empty
    /// for an empty dataset.</summary>
    public IReadOnlyList<string> LabelKeys => Items.Count == 0 ? [] : Items[0].Labels.Keys.ToList();

    /// <summary>
    /// The image folder layout of torchvision's <c>ImageFolder</c>: every subfolder of <paramref name="root"/> is a
    /// label, and the images anywhere inside it (by extension: .jpg, .jpeg, .png, .bmp, .gif, .webp, .ppm, .pgm,
    /// .tif, .tiff) carry that label as <see cref="FaceLabels.FolderKey"/>. Images directly in
    /// <paramref name="root"/> have no label and are <see cref="Rejected"/>; other files are ignored.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException"><paramref name="root"/> is not an existing folder.</exception>
    public static FaceDataset FromImageFolder(string root)
    {
        ImageFiles.RequireDirectory(root);
        string fullRoot = Path.GetFullPath(root);
        var items = new List<FaceDatasetItem>();
        var rejected = new List<SkippedImage>();
        foreach (string path in ImageFiles.InFolder(fullRoot, recursive: true))
        {
            string relative = Path.GetRelativePath(fullRoot, path);
            int separator = relative.IndexOfAny([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar]);
            if (separator < 0)
                rejected.Add(new SkippedImage(path, SkipReason.InvalidLabels,
                    $"'{path}' is not inside a label folder of '{fullRoot}', so it has no label."));
            else
                items.Add(new FaceDatasetItem(path, FaceLabels.Of(FaceLabels.FolderKey, relative[..separator])));
        }
        return new FaceDataset(fullRoot, items, rejected);
    }

    /// <summary>
    /// Every image in <paramref name="folder"/> (by extension, as <see cref="FromImageFolder"/>), without labels:
    /// for detecting, cropping or embedding faces that need none.
    /// </summary>
    /// <param name="folder">The folder.</param>
    /// <param name="recursive">Whether to include images in subfolders (default true).</param>
    /// <exception cref="DirectoryNotFoundException"><paramref name="folder"/> is not an existing folder.</exception>
    public static FaceDataset FromFolder(string folder, bool recursive = true)
    {
        ImageFiles.RequireDirectory(folder);
        string fullFolder = Path.GetFullPath(folder);
        var unlabelled = new FaceLabels([]);
        var items = ImageFiles.InFolder(fullFolder, recursive).Select(path => new FaceDatasetItem(path, unlabelled)).ToList();
        return new FaceDataset(fullFolder, items, []);
    }

    /// <summary>
    /// The files matching <paramref name="pattern"/>, such as <c>faces/bruce/*.jpg</c> or <c>faces/**/*.png</c>
    /// (<c>*</c> matches within a name, <c>**</c> any number of folders; names match case-insensitively). Each file
    /// is labelled with the name of its folder as <see cref="FaceLabels.FolderKey"/>.
    /// </summary>
    /// <param name="pattern">The glob, relative to <paramref name="baseDirectory"/> unless rooted.</param>
    /// <param name="baseDirectory">The folder a relative pattern starts from (default: the current directory).</param>
    /// <exception cref="DirectoryNotFoundException">The fixed folder part of the pattern does not exist.</exception>
    public static FaceDataset FromGlob(string pattern, string? baseDirectory = null)
    {
        var items = ImageFiles.Matching(pattern, baseDirectory)
            .Select(path => new FaceDatasetItem(path, FaceLabels.Of(FaceLabels.FolderKey, FolderNameOf(path))))
            .ToList();
        return new FaceDataset(pattern, items, []);
    }

    /// <summary>
    /// The given image files, each labelled with the name of its folder as <see cref="FaceLabels.FolderKey"/> (as
    /// <see cref="FromGlob"/> labels them).
    /// </summary>
    /// <param name="paths">The images; relative paths start from the current directory.</param>
    public static FaceDataset FromFiles(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var items = paths.Select(Path.GetFullPath)
            .Select(path => new FaceDatasetItem(path, FaceLabels.Of(FaceLabels.FolderKey, FolderNameOf(path))))
            .ToList();
        return new FaceDataset($"{items.Count} files", items, []);
    }

    /// <summary>
    /// UTKFace images labelled by their names, <c>AGE_GENDER_RACE_DATE.jpg.chip.jpg</c> (see
    /// <see cref="UtkFaceLabels"/>): the images directly in <paramref name="folderOrPattern"/>, or the files matching
    /// it when it holds a <c>*</c>. Files whose names do not parse are <see cref="Rejected"/>, not fatal.
    /// </summary>
    /// <param name="folderOrPattern">A folder, or a glob such as <c>utkface/*_1_*.jpg</c>.</param>
    /// <param name="baseDirectory">The folder a relative pattern starts from (default: the current directory).</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static FaceDataset FromUtkFace(string folderOrPattern, string? baseDirectory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folderOrPattern);
        IReadOnlyList<string> paths = ImageFiles.HasWildcards(folderOrPattern)
            ? ImageFiles.Matching(folderOrPattern, baseDirectory)
            : ImageFiles.InFolder(Path.GetFullPath(folderOrPattern, Path.GetFullPath(baseDirectory ?? ".")), recursive: false);
        var items = new List<FaceDatasetItem>();
        var rejected = new List<SkippedImage>();
        foreach (string path in paths)
        {
            if (UtkFaceLabels.TryParse(path, out UtkFaceLabels? labels, out string? problem))
                items.Add(new FaceDatasetItem(path, labels.ToFaceLabels()));
            else
                rejected.Add(new SkippedImage(path, SkipReason.InvalidLabels, $"'{path}' is not a UTKFace name: {problem}."));
        }
        return new FaceDataset(folderOrPattern, items, rejected);
    }

    private static string FolderNameOf(string path) =>
        Path.GetFileName(Path.GetDirectoryName(path)) is { Length: > 0 } folder ? folder : Path.GetPathRoot(path) ?? "";
}
