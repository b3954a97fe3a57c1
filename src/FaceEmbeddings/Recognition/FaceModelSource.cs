using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Models.Store;
using FaceEmbeddings.Runtime;
using static TorchSharp.torch;

namespace FaceEmbeddings.Recognition;

/// <summary>
/// Which face encoder runs, from which weights, on which device and cutting which crops, as a front end's settings
/// state it (<c>faceembed</c>'s <c>--encoder</c>/<c>--pretrained</c>/<c>--weights</c>/<c>--align</c>/<c>--device</c>,
/// <c>AddFaceEmbeddings</c>' configuration): the one place that turns those settings into an encoder, the name a
/// gallery records, the published threshold and the device, so that every front end decides them alike.
/// </summary>
public sealed record FaceModelSource
{
    /// <summary>
    /// The model: <c>vggface2</c> (<see cref="ModelCatalog.VggFace2"/>, the default) or <c>casia-webface</c> for FaceNet's
    /// InceptionResnetV1 (512-d), or <c>face-api-resnet</c> (<see cref="ModelCatalog.FaceApiResNetManifest"/>) for
    /// face-api's dlib ResNet (128-d). Loaded from the model store unless <see cref="Weights"/> is set.
    /// </summary>
    public string Model { get; init; } = ModelCatalog.VggFace2;

    /// <summary>
    /// A local weights file instead of the store's: an InceptionResnetV1 checkpoint (<c>.pt</c> or <c>.safetensors</c>,
    /// facenet-pytorch's key names) for FaceNet, face-api's TF.js manifest (its shard beside it) for
    /// <c>face-api-resnet</c>; null (the default) loads <see cref="Model"/> from the store.
    /// </summary>
    public string? Weights { get; init; }

    /// <summary>
    /// How faces are cut for the encoder: <c>dlib-mean-face</c> (aligned chips) or <c>none</c> (unaligned box crops), as
    /// <see cref="FaceAlignment.TryParse"/> reads them; null (the default) takes the encoder's own: aligned for
    /// <c>face-api-resnet</c>, unaligned for FaceNet.
    /// </summary>
    public string? Alignment { get; init; }

    /// <summary>Where the encoder runs: <c>cpu</c> (the default), <c>cuda</c> or <c>cuda:N</c>.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>True when <see cref="Model"/> is face-api's network.</summary>
    public bool IsFaceApi => string.Equals(Model, ModelCatalog.FaceApiResNetManifest, StringComparison.Ordinal);

    /// <summary>
    /// The encoder's name as a gallery records it (<see cref="GalleryDescriptor.Model"/>) and compares it: the weights
    /// file's name without its extension when <see cref="Weights"/> is set, else <see cref="Model"/>.
    /// </summary>
    public string Name => Weights is { } weights ? Path.GetFileNameWithoutExtension(weights) : Model;

    /// <summary>
    /// The gallery that <paramref name="encoder"/>'s embeddings belong in: <see cref="Name"/>, the embedding size, the
    /// distance and the crops' geometry (the encoder's own unless <paramref name="geometry"/> says otherwise). A gallery
    /// opened with it refuses embeddings of another model or of faces cut another way.
    /// </summary>
    /// <param name="encoder">The encoder this source made.</param>
    /// <param name="metric">The gallery's distance.</param>
    /// <param name="geometry">How the faces are cut, when not as <paramref name="encoder"/> expects.</param>
    /// <returns>The descriptor.</returns>
    public GalleryDescriptor GalleryDescriptorFor(IFaceEncoder encoder, DistanceMetric metric = DistanceMetric.Euclidean, FaceCropGeometry? geometry = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        return new GalleryDescriptor(Name, encoder.EmbeddingSize, metric, (geometry ?? encoder.Input.Crop).Name);
    }

    /// <summary>
    /// The same-person threshold published for the model in <paramref name="metric"/>, or null when none is known. face-api's
    /// network read from a local manifest is still face-api's network, so its threshold holds there too.
    /// </summary>
    public VerificationThreshold? PublishedThreshold(DistanceMetric metric) =>
        VerificationThreshold.ForModel(IsFaceApi ? ModelCatalog.FaceApiResNetManifest : Name, metric);

    /// <summary>The alignment <see cref="Alignment"/> names, or the encoder's own when it is null.</summary>
    /// <exception cref="FaceModelSourceException"><see cref="Alignment"/> names no known alignment.</exception>
    public FaceAlignment? ResolveAlignment()
    {
        if (Alignment is null)
            return IsFaceApi ? new FaceApiEncoderOptions().Alignment : new FaceNetEncoderOptions().Alignment;
        return FaceAlignment.TryParse(Alignment, out FaceAlignment? alignment) ? alignment : throw AlignmentProblem();
    }

    /// <summary>The device <see cref="Device"/> names, checked to exist (<see cref="DeviceCheck.Require"/>).</summary>
    /// <exception cref="FaceModelSourceException"><see cref="Device"/> is not <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>, or
    /// names a device that is not available.</exception>
    public Device ResolveDevice()
    {
        if (!DeviceCheck.TryParse(Device, out Device? device))
            throw DeviceProblem();
        return DeviceCheck.UnavailableReason(device) is { } reason ? throw new FaceModelSourceException(FaceModelSetting.Device, reason) : device;
    }

    /// <summary>Checks what can be checked without loading anything: the model is named, the alignment and device are
    /// readable, and the weights file exists (for face-api's network, as a TF.js manifest).</summary>
    /// <exception cref="FaceModelSourceException">The first setting at fault (<see cref="Problems"/> lists them all).</exception>
    public void Validate()
    {
        IReadOnlyList<FaceModelSourceException> problems = Problems();
        if (problems.Count > 0)
            throw problems[0];
    }

    /// <summary>Every setting at fault, in the order of <see cref="FaceModelSetting"/>; empty when <see cref="Validate"/>
    /// passes.</summary>
    public IReadOnlyList<FaceModelSourceException> Problems()
    {
        var problems = new List<FaceModelSourceException>();
        if (string.IsNullOrWhiteSpace(Model))
            problems.Add(new(FaceModelSetting.Model, "A model must be named (vggface2, casia-webface or face-api-resnet)."));
        if (Weights is { } weights && !File.Exists(weights))
            problems.Add(new(FaceModelSetting.Weights, $"There is no weights file at '{weights}'."));
        else if (IsFaceApi && Weights is { } manifest && !manifest.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            problems.Add(new(FaceModelSetting.Weights,
                $"The weights of '{Model}' are face-api's TF.js manifest (a .json file, its shard beside it); '{manifest}' is not one."));
        if (Alignment is not null && !FaceAlignment.TryParse(Alignment, out _))
            problems.Add(AlignmentProblem());
        if (!DeviceCheck.TryParse(Device, out _))
            problems.Add(DeviceProblem());
        return problems;
    }

    /// <summary>
    /// Loads the encoder: face-api's network or FaceNet's, from <see cref="Weights"/> or from <paramref name="store"/>,
    /// on <see cref="Device"/>, cutting the <see cref="ResolveAlignment"/> crops; batch size and precision come from
    /// <paramref name="settings"/> (the defaults when null), for either network.
    /// </summary>
    /// <param name="store">Where store models are cached and fetched.</param>
    /// <param name="settings">Batch size and precision (its device, alignment and <c>Pretrained</c> are this source's).</param>
    /// <param name="progress">Receives download progress when a store file is fetched.</param>
    /// <param name="cancellationToken">Cancels a download or the load.</param>
    /// <exception cref="FaceModelSourceException">A setting is invalid (see <see cref="Validate"/>) or the device is not available.</exception>
    /// <exception cref="ModelStoreException">A store file could not be obtained or verified.</exception>
    /// <exception cref="Models.Checkpoints.CheckpointFormatException">The weights file is not readable.</exception>
    /// <exception cref="Models.Checkpoints.StateDictMismatchException">The weights are not the chosen network's.</exception>
    public async Task<IFaceEncoder> CreateEncoderAsync(ModelStore store, FaceNetEncoderOptions? settings = null,
        IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        Validate();
        settings ??= new FaceNetEncoderOptions();
        Device device = ResolveDevice();
        FaceAlignment? alignment = ResolveAlignment();
        if (IsFaceApi)
        {
            var options = new FaceApiEncoderOptions
            {
                Device = device, MaxBatchSize = settings.MaxBatchSize, Precision = settings.Precision, Alignment = alignment,
            };
            string manifest = Weights ?? await FaceApiEncoder.FetchAsync(store, progress, cancellationToken).ConfigureAwait(false);
            return await Task.Run(() => FaceApiEncoder.FromFile(manifest, options), cancellationToken).ConfigureAwait(false);
        }
        FaceNetEncoderOptions faceNet = settings with { Device = device, Alignment = alignment, Pretrained = Model };
        string checkpoint = Weights ?? await store.GetAsync(Model, progress, cancellationToken).ConfigureAwait(false);
        return await Task.Run(() => FaceNetEncoder.FromFile(checkpoint, faceNet), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The detector settings for this source's encoder: face-api's network gets its aligned 150×150 chips whatever
    /// <paramref name="configured"/> says of size, margin and alignment; FaceNet keeps the configured size and margin,
    /// aligned as <see cref="ResolveAlignment"/> says; both run on <see cref="Device"/>.
    /// </summary>
    /// <exception cref="FaceModelSourceException">A setting is invalid or the device is not available.</exception>
    public MtcnnOptions DetectorOptions(MtcnnOptions configured)
    {
        ArgumentNullException.ThrowIfNull(configured);
        FaceAlignment? alignment = ResolveAlignment();
        MtcnnOptions options = IsFaceApi
            ? FaceApiEncoder.InputFor(new FaceApiEncoderOptions { Alignment = alignment }).ApplyTo(configured)
            : configured with { Alignment = alignment };
        return options with { Device = ResolveDevice() };
    }

    private FaceModelSourceException DeviceProblem() =>
        new(FaceModelSetting.Device, $"The device must be cpu, cuda or cuda:N; got '{Device}'.");

    private FaceModelSourceException AlignmentProblem() =>
        new(FaceModelSetting.Alignment, $"The alignment must be {FaceAlignment.DlibMeanFace.Name} or {FaceAlignment.NoneName}; got '{Alignment}'.");
}
