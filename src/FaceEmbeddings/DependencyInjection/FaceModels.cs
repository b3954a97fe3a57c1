using System.Diagnostics;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Models.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FaceEmbeddings.DependencyInjection;

/// <summary>
/// Loads the container's detector and encoder once: the first caller starts the load and every caller, on any thread,
/// gets the same instance (or the same failure). The container owns and disposes what this loads.
/// </summary>
internal sealed class FaceModels
{
    private readonly FaceEmbeddingsOptions options;
    private readonly ModelStore store;
    private readonly ILogger logger;
    private readonly Lazy<Task<MtcnnFaceDetector>> detector;
    private readonly Lazy<Task<IFaceEncoder>> encoder;

    public FaceModels(IOptions<FaceEmbeddingsOptions> options, ModelStore store, ILogger<FaceModels>? logger = null)
    {
        this.options = options.Value;
        this.store = store;
        this.logger = logger ?? (ILogger)NullLogger.Instance;
        detector = new(() => Task.Run(LoadDetectorAsync));
        encoder = new(() => Task.Run(LoadEncoderAsync));
    }

    /// <summary>Waits for both models (starting their loads if needed), in parallel.</summary>
    public Task LoadAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(detector.Value, encoder.Value).WaitAsync(cancellationToken);

    /// <summary>The detector, loading it first if needed: blocks the calling thread while it loads.</summary>
    public MtcnnFaceDetector Detector => detector.Value.GetAwaiter().GetResult();

    /// <summary>The encoder (<see cref="FaceNetEncoder"/> or <see cref="FaceApiEncoder"/>), loading it first if needed: blocks
    /// the calling thread while it loads.</summary>
    public IFaceEncoder Encoder => encoder.Value.GetAwaiter().GetResult();

    /// <summary>The encoder as <typeparamref name="TEncoder"/>; a clear error when the settings chose the other one.</summary>
    public TEncoder EncoderAs<TEncoder>() where TEncoder : IFaceEncoder => Encoder is TEncoder encoder
        ? encoder
        : throw new InvalidOperationException(
            $"{FaceEmbeddingsOptions.SectionName}:{nameof(FaceEmbeddingsOptions.EncoderModel)} '{options.EncoderModel}' makes the encoder a {Encoder.GetType().Name}, not a {typeof(TEncoder).Name}: resolve {nameof(IFaceEncoder)} instead.");

    private async Task<MtcnnFaceDetector> LoadDetectorAsync()
    {
        var started = Stopwatch.StartNew();
        // face-api's network needs its own crops; FaceNet's match the detector's defaults, and a configured size or margin
        // is kept for it.
        MtcnnOptions detection = this.options.UsesFaceApiEncoder
            ? FaceApiEncoder.InputFor(FaceApiOptions()).ApplyTo(this.options.Detection)
            : this.options.Detection with { Alignment = FaceNetOptions().Alignment };
        MtcnnOptions options = detection with { Device = Device() };
        MtcnnFaceDetector detector = await MtcnnFaceDetector.CreateAsync(options, store).ConfigureAwait(false);
        FaceEmbeddingsLog.DetectorLoaded(logger, options.Device!.ToString(), started.Elapsed);
        return detector;
    }

    private async Task<IFaceEncoder> LoadEncoderAsync()
    {
        var started = Stopwatch.StartNew();
        FaceNetEncoderOptions options = FaceNetOptions();
        IFaceEncoder encoder;
        string source;
        if (this.options.UsesFaceApiEncoder)
        {
            encoder = await FaceApiEncoder.CreateAsync(FaceApiOptions(), store).ConfigureAwait(false);
            source = this.options.EncoderModel;
        }
        else if (this.options.EncoderCheckpoint is { } checkpoint)
        {
            encoder = FaceNetEncoder.FromFile(checkpoint, options);
            source = checkpoint;
        }
        else
        {
            encoder = await FaceNetEncoder.CreateAsync(options with { Pretrained = this.options.EncoderModel }, store).ConfigureAwait(false);
            source = this.options.EncoderModel;
        }
        FaceEmbeddingsLog.EncoderLoaded(logger, encoder.GetType().Name, source, encoder.Device.ToString(), options.Precision, started.Elapsed);
        return encoder;
    }

    /// <summary>The configured encoder settings for FaceNet, with the device and alignment settings applied.</summary>
    private FaceNetEncoderOptions FaceNetOptions() =>
        options.Encoding with { Device = Device(), Alignment = options.Alignment is null ? options.Encoding.Alignment : ConfiguredAlignment() };

    /// <summary>The same settings for face-api's encoder, whose alignment defaults to its own.</summary>
    private FaceApiEncoderOptions FaceApiOptions()
    {
        var defaults = new FaceApiEncoderOptions();
        FaceNetEncoderOptions common = options.Encoding;
        return new FaceApiEncoderOptions
        {
            Device = Device(),
            MaxBatchSize = common.MaxBatchSize,
            Precision = common.Precision,
            Alignment = options.Alignment is null ? defaults.Alignment : ConfiguredAlignment(),
        };
    }

    private FaceAlignment? ConfiguredAlignment() =>
        FaceAlignment.TryParse(options.Alignment, out FaceAlignment? alignment)
            ? alignment
            : throw new OptionsValidationException(FaceEmbeddingsOptions.SectionName, typeof(FaceEmbeddingsOptions),
                [$"{FaceEmbeddingsOptions.SectionName}:Alignment must be {FaceAlignment.DlibMeanFace.Name} or {FaceAlignment.NoneName}; got '{options.Alignment}'."]);

    private TorchSharp.torch.Device Device() =>
        FaceEmbeddingsOptionsValidator.TryParseDevice(options.Device, out TorchSharp.torch.Device? device)
            ? device!
            : throw new OptionsValidationException(FaceEmbeddingsOptions.SectionName, typeof(FaceEmbeddingsOptions),
                [$"{FaceEmbeddingsOptions.SectionName}:Device must be cpu, cuda or cuda:N; got '{options.Device}'."]);
}
