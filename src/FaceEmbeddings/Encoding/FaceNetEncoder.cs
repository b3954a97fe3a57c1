using FaceEmbeddings.Detection;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Models.FaceNet;
using FaceEmbeddings.Models.Store;
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
    /// <summary>
    /// Largest absolute value accepted in a crop. <c>(x − 127.5) / 128</c> stays within ±1 and per-image whitened crops
    /// within a few units, while raw 0..255 pixels exceed it unless the crop is almost black.
    /// </summary>
    private const float StandardizedLimit = 8f;

    private readonly FusedInceptionResnetV1 network;
    private readonly int maxBatchSize;
    private int disposed;

    private FaceNetEncoder(FusedInceptionResnetV1 network, Device device, FaceNetEncoderOptions options)
    {
        this.network = network;
        Device = device;
        Precision = options.Precision;
        maxBatchSize = options.MaxBatchSize;
    }

    /// <inheritdoc />
    public int EmbeddingSize => InceptionResnetV1.EmbeddingSize;

    /// <inheritdoc />
    public int InputSize => InceptionResnetV1.DefaultInputSize;

    /// <summary>The device the network and its results live on.</summary>
    public Device Device { get; }

    /// <summary>Element type of the convolutions.</summary>
    public EncoderPrecision Precision { get; }

    /// <summary>Number of identities <see cref="Classify"/> scores, or null when the checkpoint has no <c>logits</c> layer.</summary>
    public int? ClassCount => network.ClassCount;

    /// <summary>
    /// Loads facenet-pytorch's pretrained weights from <paramref name="store"/>, downloading and verifying them on first use.
    /// </summary>
    /// <param name="name"><c>vggface2</c> (<see cref="ModelCatalog.VggFace2"/>), <c>casia-webface</c>, or another InceptionResnetV1 registered in the store.</param>
    /// <param name="store">Where weights are cached; null for a store at its default root.</param>
    /// <param name="device">Where to run: null for the CPU, or a CUDA device.</param>
    /// <param name="ct">Cancels the download.</param>
    /// <exception cref="ArgumentException">The store has no model of that name, or <paramref name="device"/> is not available.</exception>
    /// <exception cref="ModelStoreException">The weights could not be obtained or verified.</exception>
    public static Task<FaceNetEncoder> FromPretrainedAsync(string name = ModelCatalog.VggFace2, ModelStore? store = null, Device? device = null, CancellationToken ct = default) =>
        FromPretrainedAsync(name, store, new FaceNetEncoderOptions { Device = device }, ct);

    /// <summary>Loads facenet-pytorch's pretrained weights from <paramref name="store"/> with the given settings.</summary>
    /// <inheritdoc cref="FromPretrainedAsync(string, ModelStore?, Device?, CancellationToken)" path="/exception"/>
    /// <param name="name"><c>vggface2</c> (<see cref="ModelCatalog.VggFace2"/>), <c>casia-webface</c>, or another InceptionResnetV1 registered in the store.</param>
    /// <param name="store">Where weights are cached; null for a store at its default root.</param>
    /// <param name="options">Device, batch size and precision.</param>
    /// <param name="ct">Cancels the download.</param>
    public static async Task<FaceNetEncoder> FromPretrainedAsync(string name, ModelStore? store, FaceNetEncoderOptions options, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        ValidateOptions(options);
        ResolveDevice(options.Device);
        string path = await (store ?? new ModelStore()).GetAsync(name, cancellationToken: ct).ConfigureAwait(false);
        return await Task.Run(() => FromCheckpoint(path, options), ct).ConfigureAwait(false);
    }

    /// <summary>Loads any facenet-pytorch InceptionResnetV1 state dict: a PyTorch <c>.pt</c> file or a <c>.safetensors</c> file.</summary>
    /// <param name="path">The checkpoint. Its keys must be facenet-pytorch's; a <c>logits</c> layer, if present, enables <see cref="Classify"/>.</param>
    /// <param name="device">Where to run: null for the CPU, or a CUDA device.</param>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="CheckpointFormatException">The file is not a readable checkpoint.</exception>
    /// <exception cref="StateDictMismatchException">The checkpoint is not an InceptionResnetV1 state dict.</exception>
    /// <exception cref="ArgumentException"><paramref name="device"/> is not a CPU or an available CUDA device.</exception>
    public static FaceNetEncoder FromCheckpoint(string path, Device? device = null) =>
        FromCheckpoint(path, new FaceNetEncoderOptions { Device = device });

    /// <summary>Loads any facenet-pytorch InceptionResnetV1 state dict (<c>.pt</c> or <c>.safetensors</c>) with the given settings.</summary>
    /// <inheritdoc cref="FromCheckpoint(string, Device?)" path="/exception"/>
    /// <param name="path">The checkpoint. Its keys must be facenet-pytorch's; a <c>logits</c> layer, if present, enables <see cref="Classify"/>.</param>
    /// <param name="options">Device, batch size and precision.</param>
    public static FaceNetEncoder FromCheckpoint(string path, FaceNetEncoderOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        ValidateOptions(options);
        if (!File.Exists(path))
            throw new FileNotFoundException($"No InceptionResnetV1 checkpoint at '{path}'.", path);

        if (string.Equals(Path.GetExtension(path), ".safetensors", StringComparison.OrdinalIgnoreCase))
        {
            using SafeTensorsFile file = SafeTensors.Load(path);
            return FromStateDict(file.Tensors, options);
        }

        IReadOnlyDictionary<string, Tensor> stateDict = TorchCheckpoint.Load(path);
        try
        {
            return FromStateDict(stateDict, options);
        }
        finally
        {
            foreach (Tensor tensor in stateDict.Values) tensor.Dispose();
        }
    }

    /// <summary>Builds an encoder from a facenet-pytorch InceptionResnetV1 state dict already in memory (which stays the caller's).</summary>
    /// <param name="stateDict">Tensors under facenet-pytorch's keys; <c>logits.weight</c>/<c>logits.bias</c> are optional.</param>
    /// <param name="options">Device, batch size and precision; null for the defaults.</param>
    /// <exception cref="StateDictMismatchException">Keys or shapes are not InceptionResnetV1's.</exception>
    /// <exception cref="ArgumentException">An option is invalid, or the device is absent.</exception>
    public static FaceNetEncoder FromStateDict(IReadOnlyDictionary<string, Tensor> stateDict, FaceNetEncoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        options ??= new FaceNetEncoderOptions();
        ValidateOptions(options);
        Device device = ResolveDevice(options.Device);

        int? classCount = stateDict.TryGetValue("logits.weight", out Tensor? logits) && logits.dim() == 2 ? (int)logits.shape[0] : null;
        using var model = new InceptionResnetV1(numClasses: classCount);
        model.LoadStateDict(stateDict);
        ScalarType computeType = options.Precision == EncoderPrecision.BFloat16 ? ScalarType.BFloat16 : ScalarType.Float32;
        FusedInceptionResnetV1 network = model.Fuse(computeType);
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
        for (int i = 0; i < crops.Count; i++)
        {
            if (crops[i] is null)
                throw new ArgumentException($"crops[{i}] is null.", nameof(crops));
            if (crops[i].Pixels.IsInvalid)
                throw new ArgumentException($"crops[{i}] has been disposed.", nameof(crops));
            if (crops[i].Size != crops[0].Size)
                throw new ArgumentException($"All crops must have the same size: crops[0] is {crops[0].Size}×{crops[0].Size}, crops[{i}] is {crops[i].Size}×{crops[i].Size}.", nameof(crops));
        }

        using var scope = NewDisposeScope();
        var embeddings = new List<Tensor>();
        for (int start = 0; start < crops.Count; start += maxBatchSize)
        {
            using var batchScope = NewDisposeScope();
            Tensor batch = stack(crops.Skip(start).Take(maxBatchSize).Select(crop => Standardized(crop).to(Device)), 0); // B×3×S×S
            embeddings.Add(Embed(batch).MoveToOuterDisposeScope());                                                    // B×512
        }
        Tensor result = embeddings.Count == 0
            ? zeros(0, EmbeddingSize, device: Device)
            : cat(embeddings, 0);
        return result.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="crop"/> is null.</exception>
    public float[] Embed(FaceCrop crop)
    {
        ArgumentNullException.ThrowIfNull(crop);
        using var scope = NewDisposeScope();
        return Embed([crop]).cpu().data<float>().ToArray();
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
        if (peak > StandardizedLimit)
            throw new ArgumentException(
                $"Expected standardized crops, (x − 127.5) / 128, with values within about ±1; found a value of magnitude {peak}. Were raw 0..255 pixels passed?",
                parameterName);
    }

    private static Tensor Standardized(FaceCrop crop)
    {
        if (crop.IsStandardized) return crop.Pixels;
        using Scalar offset = 127.5f, scale = 128f;
        return crop.Pixels.sub(offset).div(scale);
    }

    private static void ValidateOptions(FaceNetEncoderOptions options)
    {
        if (options.MaxBatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxBatchSize, "MaxBatchSize must be at least 1.");
        if (!Enum.IsDefined(options.Precision))
            throw new ArgumentOutOfRangeException(nameof(options), options.Precision, "Precision must be Full or BFloat16.");
    }

    private static Device ResolveDevice(Device? device)
    {
        if (device is null) return CPU;
        switch (device.type)
        {
            case DeviceType.CPU:
                return device;
            case DeviceType.CUDA when !cuda.is_available():
                throw new ArgumentException(
                    $"Device '{device}' was requested, but no CUDA device is available to TorchSharp (a TorchSharp-cuda package, an NVIDIA driver and a GPU are needed). Pass null to run on the CPU.",
                    nameof(device));
            case DeviceType.CUDA when device.index >= cuda.device_count():
                throw new ArgumentException($"Device '{device}' was requested, but only {cuda.device_count()} CUDA device(s) exist.", nameof(device));
            case DeviceType.CUDA:
                return device;
            default:
                throw new ArgumentException($"Device type {device.type} is not supported; use the CPU or CUDA.", nameof(device));
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
}
