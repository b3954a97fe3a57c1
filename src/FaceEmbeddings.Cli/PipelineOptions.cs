using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using FaceEmbeddings.Attributes;
using FaceEmbeddings.Datasets;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Models.Store;
using FaceEmbeddings.Recognition;
using FaceEmbeddings.Runtime;
using static TorchSharp.torch;

namespace FaceEmbeddings.Cli;

/// <summary>
/// The options shared by the commands that run the networks: the model store, <c>--device</c>, the crop geometry
/// (<c>--align</c>, <c>--size</c>, <c>--margin</c>), <c>--batch-size</c> and, for commands that embed, <c>--encoder</c>, <c>--weights</c>
/// and <c>--pretrained</c>. Each command gets its own instance, so help lists only what the command uses.
/// </summary>
internal sealed class PipelineOptions
{
    private readonly StoreOptions store = new();

    private readonly Option<string> device = new("--device")
    {
        Description = "Where the networks run: cpu, cuda or cuda:N.",
        HelpName = "cpu|cuda|cuda:N",
        DefaultValueFactory = _ => "cpu",
    };

    private readonly Option<int?> size = new("--size")
    {
        Description = "Side of the square face crops in pixels (MTCNN image_size; default: the encoder's, 160 for facenet and 150 for face-api-resnet, else 160).",
    };

    private readonly Option<int?> margin = new("--margin")
    {
        Description = "Margin around each face box, in pixels of the crop (MTCNN margin; default: the encoder's, 0 for facenet and 25 for face-api-resnet, else 0).",
    };

    private readonly Option<string?> align = new("--align")
    {
        Description = $"How faces are cut: {FaceAlignment.DlibMeanFace.Name} (chips aligned through the five landmarks onto dlib's mean face) "
            + $"or {FaceAlignment.NoneName} (unaligned box crops, as before alignment). Default: the encoder's own, aligned for "
            + $"{ModelCatalog.FaceApiResNetManifest}, unaligned for facenet; {FaceAlignment.NoneName} for commands without an encoder.",
        HelpName = $"{FaceAlignment.DlibMeanFace.Name}|{FaceAlignment.NoneName}",
    };

    private readonly Option<string> select = new("--select")
    {
        Description = $"Which face stands for a photo: {LargestConfident} (the largest face MTCNN is at least 95 % sure of, else the "
            + $"largest: not a larger hand or half face it is less sure of) or {Largest} (facenet-pytorch's rule).",
        HelpName = $"{LargestConfident}|{Largest}",
        DefaultValueFactory = _ => LargestConfident,
    };

    private const string LargestConfident = "largest-confident";
    private const string Largest = "largest";

    private readonly Option<int> batchSize = new("--batch-size")
    {
        Description = "Images processed together; bounds memory.",
        DefaultValueFactory = _ => 32,
    };

    private readonly Option<string> encoder = new("--encoder")
    {
        Description = $"The face encoder: {FaceNet} (InceptionResnetV1, 512-d) or {ModelCatalog.FaceApiResNetManifest} (face-api's dlib ResNet, 128-d, Euclidean distance).",
        DefaultValueFactory = _ => FaceNet,
    };

    private readonly Option<FileInfo?> weights = new("--weights")
    {
        Description = "Local weights instead of the model store's: for facenet an InceptionResnetV1 checkpoint (.pt or .safetensors, "
            + $"facenet-pytorch key names); for {ModelCatalog.FaceApiResNetManifest} face-api's TF.js manifest, with its shard beside it.",
        HelpName = "file",
    };

    private readonly Option<string> pretrained = new("--pretrained")
    {
        Description = "Pretrained facenet weights fetched through the model store when --weights is not given.",
        DefaultValueFactory = _ => ModelCatalog.VggFace2,
    };

    private const string FaceNet = "facenet";

    private readonly bool embeds;
    private readonly bool onePerPhoto;

    /// <param name="embeds">Whether the command embeds faces, and so takes <c>--weights</c> and <c>--pretrained</c>.</param>
    /// <param name="cropGeometry">Whether the command crops the faces of a dataset, and so takes <c>--size</c>,
    /// <c>--margin</c> and <c>--batch-size</c>.</param>
    /// <param name="onePerPhoto">Whether the command takes one face per photo, and so takes <c>--select</c>.</param>
    public PipelineOptions(bool embeds, bool cropGeometry, bool onePerPhoto = false)
    {
        this.embeds = embeds;
        this.onePerPhoto = onePerPhoto;
        CropGeometry = cropGeometry;
        this.device.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string>();
            if (value is not null && !DeviceCheck.TryParse(value, out _))
                result.AddError($"--device must be cpu, cuda or cuda:N; got '{value}'.");
        });
        this.size.Validators.Add(result => RequireAtLeast(result, this.size, 1));
        this.margin.Validators.Add(result => RequireAtLeast(result, this.margin, 0));
        this.encoder.AcceptOnlyFromAmong(FaceNet, ModelCatalog.FaceApiResNetManifest);
        this.align.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string?>();
            if (value is not null && !FaceAlignment.TryParse(value, out _))
                result.AddError($"--align must be {FaceAlignment.DlibMeanFace.Name} or {FaceAlignment.NoneName}; got '{value}'.");
        });
        this.batchSize.Validators.Add(result => RequireAtLeast(result, this.batchSize, 1));
        this.select.AcceptOnlyFromAmong(LargestConfident, Largest);
        this.pretrained.AcceptOnlyFromAmong(ModelCatalog.VggFace2, ModelCatalog.CasiaWebFace);
    }

    private bool CropGeometry { get; }

    public void AddTo(Command command)
    {
        if (this.embeds)
        {
            command.Add(this.encoder);
            command.Add(this.weights);
            command.Add(this.pretrained);
        }
        this.store.AddTo(command);
        command.Add(this.device);
        if (this.embeds || CropGeometry)
            command.Add(this.align);
        if (this.onePerPhoto)
            command.Add(this.select);
        if (CropGeometry)
        {
            command.Add(this.size);
            command.Add(this.margin);
            command.Add(this.batchSize);
        }
    }

    /// <summary>The dataset settings: the batch size, and which crops to keep.</summary>
    public FaceDatasetOptions DatasetOptions(ParseResult parsed, Func<FaceDatasetItem, bool>? keepCrop = null) =>
        new() { BatchSize = parsed.GetValue(this.batchSize), KeepCrop = keepCrop };

    /// <summary>How the command cuts faces for <paramref name="encoder"/> (see the overload for a network's input).</summary>
    public FaceCropGeometry GeometryOf(ParseResult parsed, IFaceEncoder? encoder) => GeometryOf(parsed, encoder?.Input);

    /// <summary>
    /// How the command cuts faces: the crops <paramref name="input"/> describes (an encoder's follow <c>--align</c>), or
    /// the detector's defaults aligned as <c>--align</c> says when there is no network; <c>--size</c> and <c>--margin</c>
    /// override size and margin.
    /// </summary>
    public FaceCropGeometry GeometryOf(ParseResult parsed, FaceEncoderInput? input)
    {
        var defaults = new MtcnnOptions();
        FaceCropGeometry geometry = input?.Crop ?? new FaceCropGeometry(defaults.ImageSize, defaults.Margin, AlignmentOf(parsed));
        int size = (CropGeometry ? parsed.GetValue(this.size) : null) ?? geometry.Size;
        int margin = (CropGeometry ? parsed.GetValue(this.margin) : null) ?? geometry.Margin;
        if (margin >= size)
            throw new UsageException($"--margin ({margin}) must be smaller than --size ({size}).");
        return geometry with { Size = size, Margin = margin };
    }

    /// <summary>An MTCNN detector as the command line sets it up, with weights from the store, cutting the crops of
    /// <see cref="GeometryOf(ParseResult, IFaceEncoder?)"/>.</summary>
    public Task<MtcnnFaceDetector> CreateDetectorAsync(ParseResult parsed, bool keepAll, IFaceEncoder? encoder, CancellationToken cancellationToken) =>
        CreateDetectorAsync(parsed, keepAll, encoder?.Input, cancellationToken);

    /// <summary>An MTCNN detector as the command line sets it up, cutting the crops <paramref name="input"/> describes
    /// (a network's expected input) unless <c>--size</c> or <c>--margin</c> say otherwise.</summary>
    public async Task<MtcnnFaceDetector> CreateDetectorAsync(ParseResult parsed, bool keepAll, FaceEncoderInput? input, CancellationToken cancellationToken)
    {
        NativeLogging.Configure();
        FaceCropGeometry geometry = GeometryOf(parsed, input);
        Device device = DeviceOf(parsed);
        ModelStore store = this.store.Open(parsed);
        var paths = new List<string>();
        foreach (string name in new[] { ModelCatalog.MtcnnPNet, ModelCatalog.MtcnnRNet, ModelCatalog.MtcnnONet })
            paths.Add(await ModelFetch.GetAsync(store, name, cancellationToken).ConfigureAwait(false));
        var options = new MtcnnOptions
        {
            ImageSize = geometry.Size,
            Margin = geometry.Margin,
            Alignment = geometry.Alignment,
            KeepAll = keepAll,
            Selection = this.onePerPhoto && parsed.GetValue(this.select) == Largest ? FaceSelection.Largest : FaceSelection.LargestConfident,
            Device = device,
        };
        // The fetch above has verified the files; loading them again through the store would hash them again.
        return MtcnnFaceDetector.FromFiles(paths[0], paths[1], paths[2], options);
    }

    /// <summary>The encoder the options choose: <c>--encoder</c> (with <c>--pretrained</c> for facenet), <c>--weights</c>,
    /// <c>--align</c> and <c>--device</c>, for the library to decide the rest.</summary>
    public FaceModelSource SourceOf(ParseResult parsed) => new()
    {
        Model = parsed.GetRequiredValue(this.encoder) == ModelCatalog.FaceApiResNetManifest
            ? ModelCatalog.FaceApiResNetManifest
            : parsed.GetRequiredValue(this.pretrained),
        Weights = parsed.GetValue(this.weights)?.FullName,
        Alignment = parsed.GetValue(this.align),
        Device = parsed.GetRequiredValue(this.device),
    };

    /// <summary>The <c>--encoder</c>: from the <c>--weights</c> file, or from the store.</summary>
    public async Task<IFaceEncoder> CreateEncoderAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        NativeLogging.Configure();
        FaceModelSource source = SourceOf(parsed);
        if (source.IsFaceApi && parsed.GetResult(this.pretrained) is { Implicit: false })
            throw new UsageException($"--pretrained chooses facenet weights; it does not apply to --encoder {ModelCatalog.FaceApiResNetManifest}.");
        ModelStore store = this.store.Open(parsed);
        try
        {
            return await Terminal.WithProgressAsync($"Loading {source.Name}", update => source.CreateEncoderAsync(store, settings: null,
                new SynchronousProgress<DownloadProgress>(progress => update(progress.BytesReceived, progress.TotalBytes ?? 0)), cancellationToken)).ConfigureAwait(false);
        }
        catch (StateDictMismatchException mismatch) when (!source.IsFaceApi && source.Weights is { } weights)
        {
            throw new InvalidDataException($"'{weights}' is not an InceptionResnetV1 state dict with facenet-pytorch's keys: "
                + $"{Describe(mismatch.MissingKeys, "missing")}, {Describe(mismatch.UnexpectedKeys, "unexpected")}, "
                + $"{Describe(mismatch.ShapeMismatches, "of another shape")}.", mismatch);
        }
    }

    /// <summary>face-api's age/gender and expression networks from the store (<c>face-api-age-gender</c>, <c>face-api-expression</c>).</summary>
    public async Task<FaceAnalyzer> CreateAnalyzerAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        NativeLogging.Configure();
        var options = new FaceAnalyzerOptions { Device = DeviceOf(parsed) };
        ModelStore store = this.store.Open(parsed);
        string ageGender = await ModelFetch.GetAsync(store, ModelCatalog.FaceApiAgeGenderManifest, cancellationToken).ConfigureAwait(false);
        await ModelFetch.GetAsync(store, ModelCatalog.FaceApiAgeGenderWeights, cancellationToken).ConfigureAwait(false);
        string expression = await ModelFetch.GetAsync(store, ModelCatalog.FaceApiExpressionManifest, cancellationToken).ConfigureAwait(false);
        await ModelFetch.GetAsync(store, ModelCatalog.FaceApiExpressionWeights, cancellationToken).ConfigureAwait(false);
        // The fetches above have verified the files; each shard lies beside its manifest in the store's layout.
        return await Task.Run(() => FaceAnalyzer.FromFiles(ageGender, expression, options), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The same-person threshold a command decides with: <paramref name="given"/> (<c>--threshold</c>), else the
    /// published one of the encoder's model in <paramref name="metric"/> (<see cref="FaceModelSource.PublishedThreshold"/>),
    /// else null.</summary>
    public VerificationThreshold? ThresholdOf(ParseResult parsed, double? given, DistanceMetric metric) =>
        given is { } distance ? new VerificationThreshold(distance, metric, "--threshold") : SourceOf(parsed).PublishedThreshold(metric);

    /// <summary>The encoder's name as a gallery records it and as <see cref="VerificationThreshold.ForModel"/> knows it
    /// (<see cref="FaceModelSource.Name"/>), so that a gallery refuses embeddings of another encoder.</summary>
    public string ModelNameOf(ParseResult parsed) => SourceOf(parsed).Name;

    /// <summary>The <c>--align</c> value for commands without an encoder; none when it is not given.</summary>
    private FaceAlignment? AlignmentOf(ParseResult parsed)
    {
        if (!(this.embeds || CropGeometry) || parsed.GetValue(this.align) is not { } text)
            return null;
        return FaceAlignment.TryParse(text, out FaceAlignment? alignment)
            ? alignment
            : throw new UnreachableException("--align is checked when the command line is parsed.");
    }

    /// <summary>The <c>--device</c> value as a torch device, checked to be usable.</summary>
    private Device DeviceOf(ParseResult parsed) => DeviceCheck.TryParse(parsed.GetRequiredValue(this.device), out Device? device)
        ? DeviceCheck.Require(device, "--device")
        : throw new UnreachableException("--device is checked when the command line is parsed.");

    /// <summary>"3 keys missing (a, b, …)": a count and the first few, as a long list helps nobody on one line.</summary>
    private static string Describe(IReadOnlyList<string> keys, string what) => keys.Count switch
    {
        0 => $"no key {what}",
        _ => $"{keys.Count} {(keys.Count == 1 ? "key" : "keys")} {what} ({string.Join(", ", keys.Take(3))}{(keys.Count > 3 ? ", …" : "")})",
    };

    private static void RequireAtLeast(OptionResult result, Option<int?> option, int minimum) =>
        RequireAtLeast(result, option.Name, result.GetValueOrDefault<int?>() ?? minimum, minimum);

    private static void RequireAtLeast(OptionResult result, Option<int> option, int minimum) =>
        RequireAtLeast(result, option.Name, result.GetValueOrDefault<int>(), minimum);

    private static void RequireAtLeast(OptionResult result, string name, int value, int minimum)
    {
        if (value < minimum)
            result.AddError($"{name} must be at least {minimum}; got {value}.");
    }
}
