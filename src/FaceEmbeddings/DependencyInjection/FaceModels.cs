using System.Diagnostics;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Recognition;
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
    private readonly FaceModelSource source;
    private readonly ModelStore store;
    private readonly ILogger logger;
    private readonly Lazy<Task<MtcnnFaceDetector>> detector;
    private readonly Lazy<Task<IFaceEncoder>> encoder;

    public FaceModels(IOptions<FaceEmbeddingsOptions> options, ModelStore store, ILogger<FaceModels>? logger = null)
    {
        this.options = options.Value;
        source = options.Value.ModelSource;
        this.store = store;
        this.logger = logger ?? (ILogger)NullLogger.Instance;
        this.detector = new(() => Task.Run(LoadDetectorAsync));
        this.encoder = new(() => Task.Run(LoadEncoderAsync));
    }

    /// <summary>Waits for both models (starting their loads if needed), in parallel.</summary>
    public Task LoadAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(this.detector.Value, this.encoder.Value).WaitAsync(cancellationToken);

    /// <summary>The detector, loading it first if needed: blocks the calling thread while it loads.</summary>
    public MtcnnFaceDetector Detector => this.detector.Value.GetAwaiter().GetResult();

    /// <summary>The encoder (<see cref="FaceNetEncoder"/> or <see cref="FaceApiEncoder"/>), loading it first if needed: blocks
    /// the calling thread while it loads.</summary>
    public IFaceEncoder Encoder => this.encoder.Value.GetAwaiter().GetResult();

    /// <summary>The encoder as <typeparamref name="TEncoder"/>; a clear error when the settings chose the other one.</summary>
    public TEncoder EncoderAs<TEncoder>() where TEncoder : IFaceEncoder => Encoder is TEncoder encoder
        ? encoder
        : throw new InvalidOperationException(
            $"{FaceEmbeddingsOptions.SectionName}:{nameof(FaceEmbeddingsOptions.EncoderModel)} '{this.options.EncoderModel}' makes the encoder a {Encoder.GetType().Name}, not a {typeof(TEncoder).Name}: resolve {nameof(IFaceEncoder)} instead.");

    private async Task<MtcnnFaceDetector> LoadDetectorAsync()
    {
        var started = Stopwatch.StartNew();
        MtcnnOptions options = await ResolveAsync(model => Task.FromResult(model.DetectorOptions(this.options.Detection))).ConfigureAwait(false);
        MtcnnFaceDetector detector = await MtcnnFaceDetector.CreateAsync(options, this.store).ConfigureAwait(false);
        FaceEmbeddingsLog.DetectorLoaded(this.logger, options.Device!.ToString(), started.Elapsed);
        return detector;
    }

    private async Task<IFaceEncoder> LoadEncoderAsync()
    {
        var started = Stopwatch.StartNew();
        IFaceEncoder encoder = await ResolveAsync(model => model.CreateEncoderAsync(store, this.options.Encoding)).ConfigureAwait(false);
        FaceEmbeddingsLog.EncoderLoaded(this.logger, encoder.GetType().Name, source.Weights ?? source.Model, encoder.Device.ToString(),
            this.options.Encoding.Precision, started.Elapsed);
        return encoder;
    }

    /// <summary>Runs <paramref name="use"/> on the configured model source; a setting at fault surfaces as the options
    /// pattern's <see cref="OptionsValidationException"/>, naming its configuration key.</summary>
    /// <remarks>Awaited inside the catch, so that an asynchronous load's failure surfaces the same way.</remarks>
    private async Task<T> ResolveAsync<T>(Func<FaceModelSource, Task<T>> use)
    {
        try
        {
            return await use(source).ConfigureAwait(false);
        }
        catch (FaceModelSourceException invalid)
        {
            throw new OptionsValidationException(FaceEmbeddingsOptions.SectionName, typeof(FaceEmbeddingsOptions),
                [FaceEmbeddingsOptionsValidator.Describe(invalid)]);
        }
    }
}
