using System.Globalization;
using FaceEmbeddings.Attributes;
using FaceEmbeddings.Datasets;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Imaging;

namespace FaceEmbeddings.Audit;

public static partial class AttributeAudit
{
    /// <summary>
    /// Predicts the apparent age and gender of each image's face and audits them against the dataset's labels per group:
    /// each image's selected face (the detector's first), cut from the image as <see cref="IFaceAnalyzer.Analyze(FaceImage, IReadOnlyList{DetectedFace})"/>
    /// cuts it, a batch at a time; then <see cref="Run"/> with every image its own person.
    /// </summary>
    /// <param name="dataset">Images labelled with <see cref="UtkFaceLabels.AgeKey"/> (years) and <see cref="UtkFaceLabels.GenderKey"/>
    /// (<c>male</c> or <c>female</c>), as <see cref="FaceDataset.FromUtkFace"/> labels them.</param>
    /// <param name="detector">Finds the faces.</param>
    /// <param name="analyzer">Predicts the attributes.</param>
    /// <param name="groupKeys">The label keys whose values, joined, name a face's group (<see cref="GroupLabels.Of"/>).</param>
    /// <param name="options">Intervals, tests and the smallest group; defaults as documented there.</param>
    /// <param name="datasetOptions">Batch size and decoding; defaults when null.</param>
    /// <param name="progress">Receives a report per batch and one per skipped file (unreadable, or no face), on the processing thread.</param>
    /// <param name="cancellationToken">Stops between batches, groups and chunks of permutations.</param>
    /// <returns>The audit of the faces found.</returns>
    /// <exception cref="AuditGroupsException">The dataset lacks the age or gender labels, or a group key.</exception>
    /// <exception cref="ArgumentException">No image of the dataset gave a face, no group has <see cref="AttributeAuditOptions.MinimumGroupSize"/> people, or an option is out of range.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<AttributeAuditResult> RunAsync(FaceDataset dataset, IFaceDetector detector, IFaceAnalyzer analyzer,
        IReadOnlyList<string> groupKeys, AttributeAuditOptions? options = null, FaceDatasetOptions? datasetOptions = null,
        IProgress<FaceDatasetProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(analyzer);
        ArgumentNullException.ThrowIfNull(groupKeys);
        string[] missing = new[] { UtkFaceLabels.AgeKey, UtkFaceLabels.GenderKey }.Concat(groupKeys)
            .Where(key => !dataset.LabelKeys.Contains(key, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal).ToArray();
        if (missing.Length > 0)
            throw new AuditGroupsException($"The attribute audit needs {string.Join(" and ", missing)} labels, as UTKFace names give; "
                + $"the labels of '{dataset.Source}' are {(dataset.LabelKeys.Count == 0 ? "none" : string.Join(", ", dataset.LabelKeys))}.", nameof(dataset));
        options ??= new AttributeAuditOptions();
        options.Validate();
        datasetOptions ??= new FaceDatasetOptions();
        datasetOptions.Validate();

        var predictions = new List<FaceAttributes>();
        var labels = new List<AttributeLabels>();
        var groups = new List<string>();
        await foreach (var analyzed in dataset.ProcessImagesAsync(datasetOptions, progress, images => Analyze(images, detector, analyzer), cancellationToken)
            .ConfigureAwait(false))
        {
            foreach (var (item, attributes) in analyzed)
            {
                predictions.Add(attributes);
                labels.Add(new AttributeLabels(double.Parse(item.Labels[UtkFaceLabels.AgeKey], CultureInfo.InvariantCulture),
                    item.Labels[UtkFaceLabels.GenderKey] == "female" ? ApparentGender.Female : ApparentGender.Male));
                groups.Add(GroupLabels.Of(item.Labels, groupKeys));
            }
        }
        if (predictions.Count == 0)
            throw new ArgumentException($"No face was found in any of the {dataset.Items.Count} images of '{dataset.Source}'.", nameof(dataset));
        return await Task.Run(() => Run(predictions, labels, groups, identities: null, options, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The attributes of each image's selected face, and how many faces (0 or 1) each image gave.</summary>
    private static (List<(FaceDatasetItem Item, FaceAttributes Attributes)> Batch, IReadOnlyList<int> FacesPerImage) Analyze(
        (FaceDatasetItem Item, FaceImage Image)[] images, IFaceDetector detector, IFaceAnalyzer analyzer)
    {
        IReadOnlyList<FaceImage> pixels = images.Select(pair => pair.Image).ToList();
        IReadOnlyList<IReadOnlyList<DetectedFace>> faces = detector.Detect(pixels).Select(found => (IReadOnlyList<DetectedFace>)found.Take(1).ToArray()).ToList();
        IReadOnlyList<IReadOnlyList<FaceAttributes>> attributes = analyzer.Analyze(pixels, faces);
        var analyzed = new List<(FaceDatasetItem, FaceAttributes)>();
        for (int i = 0; i < images.Length; i++)
        {
            if (attributes[i].Count > 0)
                analyzed.Add((images[i].Item, attributes[i][0]));
        }
        return (analyzed, attributes.Select(found => found.Count).ToArray());
    }
}
