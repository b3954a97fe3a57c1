using FaceEmbeddings.Detection;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Models.FaceApi;
using FaceEmbeddings.Models.Store;
using FaceEmbeddings.Models.TfJs;
using FaceEmbeddings.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Encoding;

/// <summary>
/// Face descriptors with face-api's face-recognition network (<see cref="FaceRecognitionNet"/>, weights descending from
/// dlib's ResNet model): face crops in, 128-d descriptors out, equal to face-api's to about 1e-6 in float32.
/// </summary>
/// <remarks>
/// <para>
/// <b>Distances.</b> The descriptors are <b>not</b> unit length (their norms are about 1.2–1.6). Compare them by Euclidean
/// distance (<see cref="Metrics.DistanceMetric.Euclidean"/>); face-api and dlib's <c>face_recognition</c> call two faces
/// the same person below <see cref="DefaultMatchThreshold"/> (0.6). That threshold is theirs, not calibrated here: on
/// the project's test photos, different people can fall below it, so calibrate it on your own data.
/// </para>
/// <para>
/// <b>Input.</b> The network takes 150×150 RGB faces normalized as <c>(x − [122.782, 117.001, 104.298]) / 255</c>
/// (face-api's divisor; dlib divides by 256). <see cref="Embed(Tensor)"/> and the crop overloads take crops standardized
/// as the detector makes them, <c>(x − 127.5) / 128</c>, or raw 0..255 crops (<see cref="FaceCrop.IsStandardized"/> false),
/// and normalize them themselves; <see cref="EmbedPixels"/> takes 0..255 pixels as face-api's
/// <c>computeFaceDescriptor</c> does. Crops of another size are resized to 150×150 as face-api resizes them
/// (TensorFlow's bilinear resize without half-pixel centres). The network was trained on dlib's aligned chips, so
/// <see cref="Input"/> asks for 150×150 chips aligned to dlib's mean face with padding 0.25
/// (<see cref="FaceApiEncoderOptions.Alignment"/>); the pipelines cut them, and a detector set up with
/// <c>encoder.Input.ApplyTo(options)</c> does too. Crops of another alignment are refused.
/// </para>
/// <para>
/// Thread safety: after construction nothing in the encoder changes; any number of threads may call <c>Embed</c> at
/// once. Do not dispose the encoder while calls are running.
/// </para>
/// </remarks>
public sealed class FaceApiEncoder : IFaceEncoder
{
    /// <summary>The Euclidean distance below which face-api and <c>face_recognition</c> call two descriptors the same person.</summary>
    public const double DefaultMatchThreshold = 0.6;

    /// <summary>
    /// Margin of unaligned crops, in pixels of a 150-pixel crop, that widens the MTCNN box 1.2 times (150 / (150 − 25)):
    /// the crops of the parity fixture, and about the face share of dlib's own aligned chips.
    /// </summary>
    private const int CropMargin = 25;

    private readonly FaceRecognitionNet network;
    private readonly int maxBatchSize;
    private int disposed;

    private FaceApiEncoder(FaceRecognitionNet network, Device device, FaceApiEncoderOptions options)
    {
        this.network = network;
        Device = device;
        Precision = options.Precision;
        Input = InputFor(options);
        maxBatchSize = options.MaxBatchSize;
    }

    /// <inheritdoc />
    public int EmbeddingSize => FaceRecognitionNet.DescriptorSize;

    /// <inheritdoc />
    public int InputSize => FaceRecognitionNet.InputSize;

    /// <summary>The crops an encoder with <paramref name="options"/> expects (its <see cref="Input"/>), for setting a
    /// detector up before the weights load.</summary>
    public static FaceEncoderInput InputFor(FaceApiEncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(new FaceCropGeometry(FaceRecognitionNet.InputSize, CropMargin, options.Alignment),
            FaceRecognitionNet.InputMeanRgb, FaceRecognitionNet.InputDivisor);
    }

    /// <inheritdoc />
    public FaceEncoderInput Input { get; }

    /// <summary>The device the network and its results live on.</summary>
    public Device Device { get; }

    /// <summary>Element type of the convolutions (<see cref="FaceApiEncoderOptions.Precision"/>); descriptors are float32 either way.</summary>
    public EncoderPrecision Precision { get; }

    /// <summary>
    /// Loads face-api's weights (<see cref="ModelCatalog.FaceApiResNetManifest"/> and <see cref="ModelCatalog.FaceApiResNetWeights"/>)
    /// from <paramref name="store"/>, downloading and verifying them on first use.
    /// </summary>
    /// <param name="options">Device, batch size and precision; the defaults when null.</param>
    /// <param name="store">Where weights are cached; null for a store at its default root.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <exception cref="ArgumentException">An option is invalid, or the device is not available.</exception>
    /// <exception cref="ModelStoreException">The weights could not be obtained or verified.</exception>
    public static async Task<FaceApiEncoder> CreateAsync(FaceApiEncoderOptions? options = null, ModelStore? store = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new FaceApiEncoderOptions();
        options.Validate();
        DeviceCheck.Require(options.Device, nameof(options));
        string manifest = await FetchAsync(store ?? new ModelStore(), progress: null, cancellationToken).ConfigureAwait(false);
        return await Task.Run(() => FromFile(manifest, options), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gets face-api's manifest and its shard from <paramref name="store"/>; returns the manifest's path.</summary>
    internal static async Task<string> FetchAsync(ModelStore store, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        string manifest = await store.GetAsync(ModelCatalog.FaceApiResNetManifest, progress, cancellationToken).ConfigureAwait(false);
        string weights = await store.GetAsync(ModelCatalog.FaceApiResNetWeights, progress, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(Path.GetDirectoryName(manifest), Path.GetDirectoryName(weights), StringComparison.Ordinal))
            throw new InvalidOperationException($"The store placed face-api's manifest '{manifest}' and its shard '{weights}' in different folders.");
        return manifest;
    }

    /// <summary>Loads face-api's weights from its TF.js manifest (<c>face_recognition_model-weights_manifest.json</c>) and the
    /// shard beside it.</summary>
    /// <param name="manifestPath">The manifest; its shard (<c>face_recognition_model.bin</c>) is read from the same folder.</param>
    /// <param name="options">Device, batch size and precision; the defaults when null.</param>
    /// <exception cref="FileNotFoundException">There is no manifest at <paramref name="manifestPath"/>.</exception>
    /// <exception cref="CheckpointFormatException">The manifest or its shard is malformed.</exception>
    /// <exception cref="StateDictMismatchException">The weights are not those of face-api's face-recognition network.</exception>
    /// <exception cref="ArgumentException">An option is invalid, or the device is not available.</exception>
    public static FaceApiEncoder FromFile(string manifestPath, FaceApiEncoderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(manifestPath);
        IReadOnlyDictionary<string, Tensor> weights = TfJsWeights.Load(manifestPath);
        try
        {
            return FromStateDict(weights, options);
        }
        finally
        {
            foreach (Tensor tensor in weights.Values) tensor.Dispose();
        }
    }

    /// <summary>Builds an encoder from face-api's weights already in memory, as <see cref="TfJsWeights"/> reads them (they stay the caller's).</summary>
    /// <param name="weights">Tensors under face-api's names, filters kH×kW×I×O.</param>
    /// <param name="options">Device, batch size and precision; the defaults when null.</param>
    /// <exception cref="StateDictMismatchException">Names or shapes are not face-api's.</exception>
    /// <exception cref="ArgumentException">An option is invalid, or the device is not available.</exception>
    public static FaceApiEncoder FromStateDict(IReadOnlyDictionary<string, Tensor> weights, FaceApiEncoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        options ??= new FaceApiEncoderOptions();
        options.Validate();
        Device device = DeviceCheck.Require(options.Device, nameof(options));
        var network = new FaceRecognitionNet();
        try
        {
            network.LoadTfJsWeights(weights);
            network.ConvertTrunk(options.Precision.ComputeType());
            network.to(device);
        }
        catch
        {
            network.Dispose();
            throw;
        }
        return new FaceApiEncoder(network, device, options);
    }

    /// <inheritdoc />
    /// <remarks>The crops are standardized as the detector makes them, <c>(x − 127.5) / 128</c>; see the class remarks.</remarks>
    /// <exception cref="ArgumentException"><paramref name="faces"/> is not an N×3×S×S float32 batch of finite, standardized values.</exception>
    public Tensor Embed(Tensor faces) =>
        Checked(faces, nameof(faces), (low, high) => Math.Max(-low, high) <= PixelNormalization.StandardizedLimit,
            "Expected standardized crops, (x − 127.5) / 128, with values within about ±1; found values from {0} to {1}. Were raw 0..255 pixels passed? Use EmbedPixels for those.",
            Unstandardized);

    /// <summary>Descriptors of faces given as 0..255 RGB values, as face-api's <c>computeFaceDescriptor</c> takes them.</summary>
    /// <param name="pixels">N×3×S×S float32 RGB values from 0 to 255, channels first; resized to 150×150 when S differs.</param>
    /// <returns>N×128 descriptors on <see cref="Device"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="pixels"/> is not an N×3×S×S float32 batch of 0..255 values.</exception>
    public Tensor EmbedPixels(Tensor pixels) =>
        Checked(pixels, nameof(pixels), (low, high) => low >= 0 && high <= 255, "Expected pixel values from 0 to 255; found values from {0} to {1}.", x => x);

    /// <inheritdoc />
    /// <remarks>
    /// Crops must all have the same size; standardized and raw crops may be mixed. At most
    /// <see cref="FaceApiEncoderOptions.MaxBatchSize"/> crops go through the network at once.
    /// </remarks>
    /// <exception cref="ArgumentException">A crop is null or disposed, or the crops differ in size.</exception>
    public Tensor Embed(IReadOnlyList<FaceCrop> crops)
    {
        ArgumentNullException.ThrowIfNull(crops);
        ThrowIfDisposed();
        return CropBatches.Embed(crops, Input.Crop, maxBatchSize, EmbeddingSize, Device,
            crop => crop.IsStandardized ? Unstandardized(crop.Pixels.to(Device)) : crop.Pixels.to(Device), // 3×S×S, 0..255
            Descriptors);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="crop"/> is null.</exception>
    public Tensor Embed(FaceCrop crop)
    {
        ArgumentNullException.ThrowIfNull(crop);
        return CropBatches.EmbedOne(this, crop);
    }

    /// <summary>Frees the network's weights.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0) network.Dispose();
    }

    /// <summary>Normalizes N×3×S×S 0..255 pixels on the device as face-api does and runs the network.</summary>
    private Tensor Descriptors(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        if (pixels.shape[0] == 0) return zeros(0, EmbeddingSize, device: Device).MoveToOuterDisposeScope();
        Tensor resized = pixels.shape[2] == FaceRecognitionNet.InputSize ? pixels : TfBilinearResize.Resize(pixels, FaceRecognitionNet.InputSize);
        Tensor mean = tensor(Input.MeanRgb.ToArray(), [1, 3, 1, 1], device: Device);
        Tensor divisor = tensor(Input.Divisor, device: Device);
        Tensor normalized = resized.sub(mean).div_(divisor); // N×3×150×150
        Tensor output;
        using (inference_mode())
        {
            output = network.call(normalized);
        }
        // A copy made outside inference mode is an ordinary tensor that callers may modify in place.
        return output.clone().MoveToOuterDisposeScope();
    }

    /// <summary>0..255 values of crops standardized as <c>(x − 127.5) / 128</c>: exact for the detector's whole-number pixels.</summary>
    private static Tensor Unstandardized(Tensor standardized)
    {
        using var scale = 128f.ToScalar();
        using var offset = 127.5f.ToScalar();
        return standardized.mul(scale).add_(offset, TorchScalars.One);
    }

    /// <summary>Checks an N×3×S×S float32 batch and its value range, then runs <paramref name="toPixels"/> and the network on it.</summary>
    /// <param name="faces">The batch.</param>
    /// <param name="parameterName">Its name in exceptions.</param>
    /// <param name="inRange">Whether the batch's smallest and largest values are acceptable.</param>
    /// <param name="rangeMessage">The message when they are not, with {0} and {1} for them.</param>
    /// <param name="toPixels">The batch as 0..255 pixels.</param>
    private Tensor Checked(Tensor faces, string parameterName, Func<float, float, bool> inRange, string rangeMessage, Func<Tensor, Tensor> toPixels)
    {
        ArgumentNullException.ThrowIfNull(faces, parameterName);
        ThrowIfDisposed();
        long[] shape = faces.shape;
        if (shape.Length != 4 || shape[1] != 3 || shape[2] != shape[3] || shape[2] < 1)
            throw new ArgumentException(
                $"Expected an N×3×S×S batch of square RGB face crops (channels first); got a tensor of shape [{string.Join(", ", shape)}].", parameterName);
        if (faces.dtype != ScalarType.Float32)
            throw new ArgumentException($"Expected float32 face crops; got {faces.dtype}.", parameterName);

        using var scope = NewDisposeScope();
        if (shape[0] > 0)
        {
            float low = faces.min().item<float>(), high = faces.max().item<float>();
            if (!float.IsFinite(low) || !float.IsFinite(high))
                throw new ArgumentException("The face crops contain NaN or infinite values.", parameterName);
            if (!inRange(low, high))
                throw new ArgumentException(string.Format(System.Globalization.CultureInfo.InvariantCulture, rangeMessage, low, high), parameterName);
        }
        return Descriptors(toPixels(faces.to(Device))).MoveToOuterDisposeScope();
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
}
