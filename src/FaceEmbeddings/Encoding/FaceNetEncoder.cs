using FaceEmbeddings.Detection;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Models.FaceNet;
using FaceEmbeddings.Models.Store;
using FaceEmbeddings.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Encoding;

/// <summary>
/// Face embeddings with facenet-pytorch's InceptionResnetV1: standardized face crops in, L2-normalized
/// 512-dimensional vectors out, equal to facenet-pytorch's to about 1e-6 in float32.
/// </summary>
/// <remarks>
/// <para>
/// The network runs in evaluation and inference mode, with its batch norms folded into the convolutions at load time
/// (<see cref="InceptionResnetV1.Fuse"/>). Every call frees its intermediate tensors before it returns; the result
/// belongs to the caller, is an ordinary tensor (usable outside inference mode) and lives on <see cref="Device"/>.
/// </para>
/// <para>
/// Thread safety: after construction nothing in the encoder changes. A call only reads the weights; its
/// temporaries belong to the calling thread's dispose scope, and inference mode is per thread in libtorch. Any number
/// of threads may therefore call <c>Embed</c> and <c>Classify</c> at once, without locking. Do not dispose the
/// encoder while calls are running.
/// </para>
/// </remarks>
public sealed class FaceNetEncoder : IFaceEncoder
{
    private readonly FusedInceptionResnetV1 network;
    private readonly int maxBatchSize;
    private int disposed;

    private FaceNetEncoder(FusedInceptionResnetV1 network, Device device, FaceNetEncoderOptions options)
    {
        this.network = network;
        Device = device;
        Precision = options.Precision;
        Input = new(new FaceCropGeometry(InceptionResnetV1.DefaultInputSize, 0, options.Alignment), [127.5f, 127.5f, 127.5f], 128f);
        maxBatchSize = options.MaxBatchSize;
    }

    /// <inheritdoc />
    public int EmbeddingSize => InceptionResnetV1.EmbeddingSize;

    /// <inheritdoc />
    public int InputSize => InceptionResnetV1.DefaultInputSize;

    /// <inheritdoc />
    /// <remarks>facenet-pytorch's defaults: 160×160 crops without margin, <c>(x − 127.5) / 128</c>; aligned when
    /// <see cref="FaceNetEncoderOptions.Alignment"/> says so.</remarks>
    public FaceEncoderInput Input { get; }

    /// <inheritdoc />
    public Device Device { get; }

    /// <summary>Element type of the convolutions.</summary>
    public EncoderPrecision Precision { get; }

    /// <summary>Number of identities <see cref="Classify"/> scores, or null when the checkpoint has no <c>logits</c> layer.</summary>
    public int? ClassCount => network.ClassCount;

    /// <summary>
    /// Loads facenet-pytorch's pretrained weights (<see cref="FaceNetEncoderOptions.Pretrained"/>, VGGFace2 unless set)
    /// from <paramref name="store"/>, downloading and verifying them on first use.
    /// </summary>
    /// <param name="options">Weights, device, batch size and precision; the defaults when null.</param>
    /// <param name="store">Where weights are cached; null for a store at its default root.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting of <paramref name="options"/> is out of range.</exception>
    /// <exception cref="ArgumentException">The store has no model of that name, or the device is not available.</exception>
    /// <exception cref="ModelStoreException">The weights could not be obtained or verified.</exception>
    public static async Task<FaceNetEncoder> CreateAsync(FaceNetEncoderOptions? options = null, ModelStore? store = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new FaceNetEncoderOptions();
        options.Validate();
        DeviceCheck.Require(options.Device, nameof(options));
        string path = await (store ?? new ModelStore()).GetAsync(options.Pretrained, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await Task.Run(() => FromFile(path, options), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Loads any facenet-pytorch InceptionResnetV1 state dict: a PyTorch <c>.pt</c> file or a <c>.safetensors</c> file.</summary>
    /// <param name="path">The checkpoint. Its keys must be facenet-pytorch's; a <c>logits</c> layer, if present, enables <see cref="Classify"/>.</param>
    /// <param name="options">Device, batch size and precision; the defaults when null.</param>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="CheckpointFormatException">The file is not a readable checkpoint.</exception>
    /// <exception cref="StateDictMismatchException">The checkpoint is not an InceptionResnetV1 state dict.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting of <paramref name="options"/> is out of range.</exception>
    /// <exception cref="ArgumentException">The device is not a CPU or an available CUDA device.</exception>
    public static FaceNetEncoder FromFile(string path, FaceNetEncoderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new FaceNetEncoderOptions();
        options.Validate();
        DeviceCheck.Require(options.Device, nameof(options));
        if (!File.Exists(path))
            throw new FileNotFoundException($"No InceptionResnetV1 checkpoint at '{path}'.", path);

        if (string.Equals(Path.GetExtension(path), ".safetensors", StringComparison.OrdinalIgnoreCase))
        {
            using SafeTensorsFile file = SafeTensors.Load(path);
            return FromStateDict(file.Tensors, options);
        }
        using StateDictionary stateDict = TorchCheckpoint.Load(path);
        return FromStateDict(stateDict, options);
    }

    /// <summary>Builds an encoder from a facenet-pytorch InceptionResnetV1 state dict already in memory (which stays the caller's).</summary>
    /// <param name="stateDict">Tensors under facenet-pytorch's keys; <c>logits.weight</c>/<c>logits.bias</c> are optional.</param>
    /// <param name="options">Device, batch size and precision; the defaults when null.</param>
    /// <exception cref="StateDictMismatchException">Keys or shapes are not InceptionResnetV1's.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting of <paramref name="options"/> is out of range.</exception>
    /// <exception cref="ArgumentException">The device is not a CPU or an available CUDA device.</exception>
    public static FaceNetEncoder FromStateDict(IReadOnlyDictionary<string, Tensor> stateDict, FaceNetEncoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        options ??= new FaceNetEncoderOptions();
        options.Validate();
        Device device = DeviceCheck.Require(options.Device, nameof(options));

        int? classCount = stateDict.TryGetValue("logits.weight", out Tensor? logits) && logits.dim() == 2 ? (int)logits.shape[0] : null;
        using var model = new InceptionResnetV1(numClasses: classCount);
        model.LoadStateDict(stateDict);
        FusedInceptionResnetV1 network = model.Fuse(options.Precision.ComputeType());
        network.to(device);
        return new FaceNetEncoder(network, device, options);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="faces"/> is not an N×3×S×S float32 batch of finite, standardized values with S ≥ 75.</exception>
    public Tensor Embed(Tensor faces) => Run(faces, nameof(faces), network.Embed);

    /// <summary>Identity logits (N×<see cref="ClassCount"/>) of an N×3×S×S batch of standardized crops; facenet-pytorch's <c>classify=True</c>.</summary>
    /// <exception cref="InvalidOperationException">The checkpoint had no <c>logits</c> layer.</exception>
    /// <exception cref="ArgumentException"><paramref name="faces"/> is not an N×3×S×S float32 batch of finite, standardized values with S ≥ 75.</exception>
    public Tensor Classify(Tensor faces)
    {
        if (ClassCount is null)
            throw new InvalidOperationException("This encoder cannot classify: its checkpoint has no logits layer (logits.weight, logits.bias).");
        return Run(faces, nameof(faces), network.Classify);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Crops must all have the same size. Raw crops (<see cref="FaceCrop.IsStandardized"/> false, values 0..255) are
    /// standardized first, as facenet-pytorch's <c>fixed_image_standardization</c> does. At most
    /// <see cref="FaceNetEncoderOptions.MaxBatchSize"/> crops go through the network at once.
    /// </remarks>
    /// <exception cref="ArgumentException">A crop is null or disposed, the crops differ in size, or their values are not finite pixels.</exception>
    public Tensor Embed(IReadOnlyList<FaceCrop> crops)
    {
        ArgumentNullException.ThrowIfNull(crops);
        ThrowIfDisposed();
        return CropBatches.Embed(crops, Input.Crop, maxBatchSize, EmbeddingSize, Device, crop => Standardized(crop).to(Device), Embed);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="crop"/> is null.</exception>
    /// <exception cref="ArgumentException">The crop is disposed, or its values are not finite pixels.</exception>
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

    private Tensor Run(Tensor faces, string parameterName, Func<Tensor, Tensor> forward)
    {
        ArgumentNullException.ThrowIfNull(faces, parameterName);
        ThrowIfDisposed();
        ValidateFaces(faces, parameterName);
        using var scope = NewDisposeScope();
        Tensor output;
        using (inference_mode())
        {
            output = forward(faces.to(Device));
        }
        // A copy made outside inference mode is an ordinary tensor that callers may modify in place.
        return output.clone().MoveToOuterDisposeScope();
    }

    private static void ValidateFaces(Tensor faces, string parameterName)
    {
        long[] shape = faces.shape;
        if (shape.Length != 4 || shape[1] != 3 || shape[2] != shape[3])
            throw new ArgumentException(
                $"Expected an N×3×S×S batch of square RGB face crops (channels first); got a tensor of shape [{string.Join(", ", shape)}].", parameterName);
        if (shape[2] < InceptionResnetV1.MinimumInputSize)
            throw new ArgumentException(
                $"Face crops must be at least {InceptionResnetV1.MinimumInputSize}×{InceptionResnetV1.MinimumInputSize} (the network is trained on 160×160); got {shape[2]}×{shape[3]}.", parameterName);
        if (faces.dtype != ScalarType.Float32)
            throw new ArgumentException(
                $"Expected float32 face crops; got {faces.dtype}. Convert with .to(ScalarType.Float32) and standardize as (x − 127.5) / 128.", parameterName);
        if (shape[0] == 0) return;

        using var scope = NewDisposeScope();
        float peak = faces.abs().max().item<float>();
        if (!float.IsFinite(peak))
            throw new ArgumentException("The face crops contain NaN or infinite values.", parameterName);
        if (peak > PixelNormalization.StandardizedLimit)
            throw new ArgumentException(
                $"Expected standardized crops, (x − 127.5) / 128, with values within about ±1; found a value of magnitude {peak}. Were raw 0..255 pixels passed?",
                parameterName);
    }

    private static Tensor Standardized(FaceCrop crop) =>
        crop.IsStandardized ? crop.Pixels : PixelNormalization.Standardized.Apply(crop.Pixels);

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
}
