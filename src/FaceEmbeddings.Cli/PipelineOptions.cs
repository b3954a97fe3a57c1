using System.CommandLine;
using System.Diagnostics.CodeAnalysis;
using System.CommandLine.Parsing;
using System.Globalization;
using FaceEmbeddings.Datasets;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Models.Store;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Cli;

/// <summary>
/// The options shared by the commands that run the networks: the model store, <c>--device</c>, the crop geometry
/// (<c>--size</c>, <c>--margin</c>), <c>--batch-size</c> and, for commands that embed, <c>--weights</c> and
/// <c>--pretrained</c>. Each command gets its own instance, so help lists only what the command uses.
/// </summary>
internal sealed class PipelineOptions
{
    private readonly StoreOptions _store = new();

    private readonly Option<string> _device = new("--device")
    {
        Description = "Where the networks run: cpu, cuda or cuda:N.",
        HelpName = "cpu|cuda|cuda:N",
        DefaultValueFactory = _ => "cpu",
    };

    private readonly Option<int> _size = new("--size")
    {
        Description = "Side of the square face crops in pixels (MTCNN image_size).",
        DefaultValueFactory = _ => 160,
    };

    private readonly Option<int> _margin = new("--margin")
    {
        Description = "Margin around each face box, in pixels of the crop (MTCNN margin).",
        DefaultValueFactory = _ => 0,
    };

    private readonly Option<int> _batchSize = new("--batch-size")
    {
        Description = "Images processed together; bounds memory.",
        DefaultValueFactory = _ => 32,
    };

    private readonly Option<FileInfo?> _weights = new("--weights")
    {
        Description = "InceptionResnetV1 checkpoint (.pt or .safetensors, facenet-pytorch key names) to use instead of pretrained weights.",
        HelpName = "file",
    };

    private readonly Option<string> _pretrained = new("--pretrained")
    {
        Description = "Pretrained encoder fetched through the model store when --weights is not given.",
        DefaultValueFactory = _ => ModelCatalog.VggFace2,
    };

    private readonly bool _embeds;

    /// <param name="embeds">Whether the command embeds faces, and so takes <c>--weights</c> and <c>--pretrained</c>.</param>
    /// <param name="cropGeometry">Whether the command crops the faces of a dataset, and so takes <c>--size</c>,
    /// <c>--margin</c> and <c>--batch-size</c>.</param>
    public PipelineOptions(bool embeds, bool cropGeometry)
    {
        _embeds = embeds;
        CropGeometry = cropGeometry;
        _device.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string>();
            if (value is not null && !TryParseDevice(value, out _))
                result.AddError($"--device must be cpu, cuda or cuda:N; got '{value}'.");
        });
        _size.Validators.Add(result => RequireAtLeast(result, _size, 1));
        _margin.Validators.Add(result => RequireAtLeast(result, _margin, 0));
        _batchSize.Validators.Add(result => RequireAtLeast(result, _batchSize, 1));
        _pretrained.AcceptOnlyFromAmong(ModelCatalog.VggFace2, ModelCatalog.CasiaWebFace);
    }

    private bool CropGeometry { get; }

    public void AddTo(Command command)
    {
        if (_embeds)
        {
            command.Add(_weights);
            command.Add(_pretrained);
        }
        _store.AddTo(command);
        command.Add(_device);
        if (CropGeometry)
        {
            command.Add(_size);
            command.Add(_margin);
            command.Add(_batchSize);
        }
    }

    /// <summary>The dataset settings: the batch size, and whether to keep crops.</summary>
    public FaceDatasetOptions DatasetOptions(ParseResult parsed, bool keepCrops) =>
        new() { BatchSize = parsed.GetValue(_batchSize), KeepCrops = keepCrops };

    /// <summary>An MTCNN detector as the command line sets it up, with weights from the store.</summary>
    public async Task<MtcnnFaceDetector> CreateDetectorAsync(ParseResult parsed, bool keepAll, CancellationToken cancellationToken)
    {
        NativeLogging.Configure();
        int size = CropGeometry ? parsed.GetValue(_size) : new MtcnnOptions().ImageSize;
        int margin = CropGeometry ? parsed.GetValue(_margin) : 0;
        if (margin >= size)
            throw new UsageException($"--margin ({margin}) must be smaller than --size ({size}).");
        Device device = DeviceOf(parsed);
        ModelStore store = _store.Open(parsed);
        var paths = new List<string>();
        foreach (string name in new[] { ModelCatalog.MtcnnPNet, ModelCatalog.MtcnnRNet, ModelCatalog.MtcnnONet })
            paths.Add(await ModelFetch.GetAsync(store, name, cancellationToken).ConfigureAwait(false));
        var options = new MtcnnOptions
        {
            ImageSize = size,
            Margin = margin,
            KeepAll = keepAll,
            Device = device,
        };
        // The fetch above has verified the files; loading them again through the store would hash them again.
        return MtcnnFaceDetector.FromFiles(paths[0], paths[1], paths[2], options);
    }

    /// <summary>The encoder: the <c>--weights</c> checkpoint, or the <c>--pretrained</c> weights from the store.</summary>
    public async Task<FaceNetEncoder> CreateEncoderAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        var options = new FaceNetEncoderOptions { Device = DeviceOf(parsed) };
        if (parsed.GetValue(_weights) is { } weights)
        {
            if (!weights.Exists)
                throw new FileNotFoundException($"The weights file '{weights.FullName}' does not exist.", weights.FullName);
            try
            {
                return FaceNetEncoder.FromCheckpoint(weights.FullName, options);
            }
            catch (StateDictMismatchException mismatch)
            {
                throw new InvalidDataException($"'{weights.FullName}' is not an InceptionResnetV1 state dict with facenet-pytorch's keys: "
                    + $"{Describe(mismatch.MissingKeys, "missing")}, {Describe(mismatch.UnexpectedKeys, "unexpected")}, "
                    + $"{Describe(mismatch.ShapeMismatches, "of another shape")}.", mismatch);
            }
        }
        ModelStore store = _store.Open(parsed);
        string path = await ModelFetch.GetAsync(store, parsed.GetRequiredValue(_pretrained), cancellationToken).ConfigureAwait(false);
        return await Task.Run(() => FaceNetEncoder.FromCheckpoint(path, options), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The encoder's name as a gallery records it: the <c>--pretrained</c> name, or the <c>--weights</c> file's name, so
    /// that a gallery refuses embeddings of another encoder.
    /// </summary>
    public string ModelNameOf(ParseResult parsed) =>
        parsed.GetValue(_weights) is { } weights ? weights.Name : parsed.GetRequiredValue(_pretrained);

    /// <summary>The <c>--device</c> value as a torch device, checked to be usable.</summary>
    private Device DeviceOf(ParseResult parsed)
    {
        string text = parsed.GetRequiredValue(_device);
        if (!TryParseDevice(text, out Device? device))
            throw new UsageException($"--device must be cpu, cuda or cuda:N; got '{text}'.");
        if (device.type == DeviceType.CUDA && !cuda.is_available())
            throw new InvalidOperationException($"--device {text}: CUDA is not available here (no GPU, or this faceembed uses the CPU build of TorchSharp).");
        return device;
    }

    /// <summary>"3 keys missing (a, b, …)": a count and the first few, as a long list helps nobody on one line.</summary>
    private static string Describe(IReadOnlyList<string> keys, string what) => keys.Count switch
    {
        0 => $"no key {what}",
        _ => $"{keys.Count} {(keys.Count == 1 ? "key" : "keys")} {what} ({string.Join(", ", keys.Take(3))}{(keys.Count > 3 ? ", …" : "")})",
    };

    private static bool TryParseDevice(string text, [NotNullWhen(true)] out Device? device)
    {
        device = null;
        if (string.Equals(text, "cpu", StringComparison.OrdinalIgnoreCase))
            device = CPU;
        else if (string.Equals(text, "cuda", StringComparison.OrdinalIgnoreCase))
            device = CUDA;
        else if (text.StartsWith("cuda:", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            device = new Device(DeviceType.CUDA, index);
        return device is not null;
    }

    private static void RequireAtLeast(OptionResult result, Option<int> option, int minimum)
    {
        int value = result.GetValueOrDefault<int>();
        if (value < minimum)
            result.AddError($"{option.Name} must be at least {minimum}; got {value}.");
    }
}
