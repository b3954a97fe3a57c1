using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Models.FaceApi;
using FaceEmbeddings.Models.Store;
using FaceEmbeddings.Models.TfJs;
using FaceEmbeddings.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Attributes;

/// <summary>
/// Apparent age, apparent gender and expression with face-api's open networks (<see cref="AgeGenderNet"/> and
/// <see cref="FaceExpressionNet"/>, MIT licence), equal to face-api's results to about 1e-5.
/// </summary>
/// <remarks>
/// <para>
/// <b>Input.</b> The networks take 112×112 RGB faces normalized as <c>(x − [122.782, 117.001, 104.298]) / 255</c>.
/// Crops are prepared as face-api prepares them: padded with zeros to a square (centred; an odd difference puts the extra
/// row or column at the bottom or right), then, unless already 112×112, resized with TensorFlow's bilinear resize (no
/// antialiasing, no half-pixel centres).
/// </para>
/// <para>
/// <b>Which crop.</b> face-api crops the axis-aligned box of its 68 landmarks grown by 20 %, without rotating the face.
/// This library's detector has five landmarks, not 68, so the analyzer takes the nearest crop it can cut: a square of 1.2
/// times the MTCNN box's longer side, unrotated, cut from the image by <see cref="Analyze(FaceImage, IReadOnlyList{DetectedFace})"/>
/// (what <c>faceembed analyze</c> and the attribute audit use); or the detector's own crop of the box widened about 1.2
/// times (<see cref="Input"/>; set the detector up with <c>analyzer.Input.ApplyTo(options)</c>), which stretches a box
/// that is not square. It is the crop of the parity fixture's photographs and of <see cref="FaceApiEncoder"/>'s unaligned input. An aligned
/// chip would rotate the face, which face-api's attribute networks never saw in face-api's own pipeline.
/// </para>
/// <para>
/// <b>Limits.</b> The networks were trained by face-api.js's author on public age/gender datasets (UTKFace among them) with
/// binary gender labels assigned by annotators; ages are apparent ages. Their errors differ between groups of people (the
/// attribute audit in docs/attributes.md measures how much). The predictions must not be used to make decisions about people.
/// </para>
/// <para>
/// Thread safety: after construction nothing in the analyzer changes; any number of threads may call it at once. Do not
/// dispose it while calls are running.
/// </para>
/// </remarks>
public sealed class FaceAnalyzer : IFaceAnalyzer
{
    /// <summary>
    /// Margin, in pixels of a 112-pixel crop, that widens the MTCNN box about 1.2 times (112 / (112 − 19)), as
    /// <see cref="FaceApiEncoder"/>'s 25 of 150 pixels do.
    /// </summary>
    private const int CropMargin = 19;

    /// <summary>How much larger than the face box the crop of <see cref="Analyze(FaceImage, IReadOnlyList{DetectedFace})"/> is, as face-api grows its box.</summary>
    private const double CropScale = 1.2;

    /// <summary>Columns of the networks' joint output: age, p(male), p(female), then the expression probabilities.</summary>
    private const int OutputColumns = 3 + 7;

    private readonly AgeGenderNet ageGender;
    private readonly FaceExpressionNet expression;
    private readonly int maxBatchSize;
    private int disposed;

    private FaceAnalyzer(AgeGenderNet ageGender, FaceExpressionNet expression, Device device, FaceAnalyzerOptions options)
    {
        this.ageGender = ageGender;
        this.expression = expression;
        Device = device;
        Precision = options.Precision;
        maxBatchSize = options.MaxBatchSize;
    }

    /// <summary>The crops every instance expects (<see cref="Input"/>), for setting a detector up before the weights load.</summary>
    public static FaceEncoderInput ExpectedInput { get; } =
        new(new FaceCropGeometry(AgeGenderNet.InputSize, CropMargin, Alignment: null), FaceRecognitionNet.InputMeanRgb, FaceRecognitionNet.InputDivisor);

    /// <inheritdoc />
    public FaceEncoderInput Input => ExpectedInput;

    /// <inheritdoc />
    public Device Device { get; }

    /// <summary>Element type of the convolutions (<see cref="FaceAnalyzerOptions.Precision"/>).</summary>
    public EncoderPrecision Precision { get; }

    /// <summary>
    /// Loads face-api's weights (<see cref="ModelCatalog.FaceApiAgeGenderManifest"/>, <see cref="ModelCatalog.FaceApiExpressionManifest"/>
    /// and their shards) from <paramref name="store"/>, downloading and verifying them on first use.
    /// </summary>
    /// <param name="options">Device, batch size and precision; the defaults when null.</param>
    /// <param name="store">Where weights are cached; null for a store at its default root.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <exception cref="ArgumentException">An option is invalid, or the device is not available.</exception>
    /// <exception cref="ModelStoreException">The weights could not be obtained or verified.</exception>
    public static async Task<FaceAnalyzer> CreateAsync(FaceAnalyzerOptions? options = null, ModelStore? store = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new FaceAnalyzerOptions();
        options.Validate();
        DeviceCheck.Require(options.Device, nameof(options));
        store ??= new ModelStore();
        string ageGenderManifest = await store.GetAsync(ModelCatalog.FaceApiAgeGenderManifest, cancellationToken: cancellationToken).ConfigureAwait(false);
        await store.GetAsync(ModelCatalog.FaceApiAgeGenderWeights, cancellationToken: cancellationToken).ConfigureAwait(false);
        string expressionManifest = await store.GetAsync(ModelCatalog.FaceApiExpressionManifest, cancellationToken: cancellationToken).ConfigureAwait(false);
        await store.GetAsync(ModelCatalog.FaceApiExpressionWeights, cancellationToken: cancellationToken).ConfigureAwait(false);
        // The store keeps each shard beside its manifest (both under face-api/).
        return await Task.Run(() => FromFiles(ageGenderManifest, expressionManifest, options), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Loads face-api's weights from their TF.js manifests and the shards beside them.</summary>
    /// <param name="ageGenderManifestPath"><c>age_gender_model-weights_manifest.json</c>.</param>
    /// <param name="expressionManifestPath"><c>face_expression_model-weights_manifest.json</c>.</param>
    /// <param name="options">Device, batch size and precision; the defaults when null.</param>
    /// <exception cref="FileNotFoundException">A manifest is missing.</exception>
    /// <exception cref="CheckpointFormatException">A manifest or its shard is malformed.</exception>
    /// <exception cref="StateDictMismatchException">The weights are not those of face-api's networks (or the two files are swapped).</exception>
    /// <exception cref="ArgumentException">An option is invalid, or the device is not available.</exception>
    public static FaceAnalyzer FromFiles(string ageGenderManifestPath, string expressionManifestPath, FaceAnalyzerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(ageGenderManifestPath);
        ArgumentException.ThrowIfNullOrEmpty(expressionManifestPath);
        IReadOnlyDictionary<string, Tensor> ageGenderWeights = TfJsWeights.Load(ageGenderManifestPath);
        try
        {
            IReadOnlyDictionary<string, Tensor> expressionWeights = TfJsWeights.Load(expressionManifestPath);
            try
            {
                return FromStateDicts(ageGenderWeights, expressionWeights, options);
            }
            finally
            {
                foreach (Tensor tensor in expressionWeights.Values) tensor.Dispose();
            }
        }
        finally
        {
            foreach (Tensor tensor in ageGenderWeights.Values) tensor.Dispose();
        }
    }

    /// <summary>Builds an analyzer from face-api's weights already in memory, as <see cref="TfJsWeights"/> reads them (they stay the caller's).</summary>
    /// <param name="ageGenderWeights">AgeGenderNet's tensors under face-api's names, TensorFlow layouts.</param>
    /// <param name="expressionWeights">FaceExpressionNet's tensors under face-api's names, TensorFlow layouts.</param>
    /// <param name="options">Device, batch size and precision; the defaults when null.</param>
    /// <exception cref="StateDictMismatchException">Names or shapes are not face-api's.</exception>
    /// <exception cref="ArgumentException">An option is invalid, or the device is not available.</exception>
    public static FaceAnalyzer FromStateDicts(IReadOnlyDictionary<string, Tensor> ageGenderWeights, IReadOnlyDictionary<string, Tensor> expressionWeights,
        FaceAnalyzerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(ageGenderWeights);
        ArgumentNullException.ThrowIfNull(expressionWeights);
        options ??= new FaceAnalyzerOptions();
        options.Validate();
        Device device = DeviceCheck.Require(options.Device, nameof(options));
        ScalarType computeType = options.Precision.ComputeType();
        var ageGender = new AgeGenderNet();
        var expression = new FaceExpressionNet();
        try
        {
            ageGender.LoadTfJsWeights(ageGenderWeights);
            expression.LoadTfJsWeights(expressionWeights);
            ageGender.ConvertTrunk(computeType);
            expression.ConvertTrunk(computeType);
            ageGender.to(device);
            expression.to(device);
            // Moving to another device makes new parameters, which the analyzer owns beyond the caller's dispose scope.
            ageGender.DetachParametersFromDisposeScope();
            expression.DetachParametersFromDisposeScope();
        }
        catch
        {
            ageGender.Dispose();
            expression.Dispose();
            throw;
        }
        return new FaceAnalyzer(ageGender, expression, device, options);
    }

    /// <inheritdoc />
    /// <remarks>Standardized and raw crops may be mixed; all must have the same size. At most
    /// <see cref="FaceAnalyzerOptions.MaxBatchSize"/> crops go through the networks at once.</remarks>
    /// <exception cref="ArgumentException">A crop is null or disposed, or the crops differ in size.</exception>
    /// <exception cref="CropGeometryMismatchException">A crop is an aligned chip: these networks were trained on box crops.</exception>
    public IReadOnlyList<FaceAttributes> Analyze(IReadOnlyList<FaceCrop> crops)
    {
        ArgumentNullException.ThrowIfNull(crops);
        ThrowIfDisposed();
        using var scope = NewDisposeScope();
        Tensor outputs = CropBatches.Embed(crops, Input.Crop, maxBatchSize, OutputColumns, Device,
            crop => crop.IsStandardized ? PixelNormalization.Standardized.Invert(crop.Pixels.to(Device)) : crop.Pixels.to(Device), // 3×S×S, 0..255
            crops => Outputs(Prepare(crops)));
        return ToAttributes(outputs);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="crop"/> is null.</exception>
    public FaceAttributes Analyze(FaceCrop crop)
    {
        ArgumentNullException.ThrowIfNull(crop);
        return Analyze([crop])[0];
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="pixels"/> is not an N×3×H×W float32 batch of 0..255 values.</exception>
    public IReadOnlyList<FaceAttributes> AnalyzePixels(Tensor pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ThrowIfDisposed();
        long[] shape = pixels.shape;
        if (shape.Length != 4 || shape[1] != 3 || shape[2] < 1 || shape[3] < 1)
            throw new ArgumentException(
                $"Expected an N×3×H×W batch of RGB face crops (channels first); got a tensor of shape [{string.Join(", ", shape)}].", nameof(pixels));
        if (pixels.dtype != ScalarType.Float32)
            throw new ArgumentException($"Expected float32 face crops; got {pixels.dtype}.", nameof(pixels));

        using var scope = NewDisposeScope();
        if (shape[0] > 0)
        {
            float low = pixels.min().item<float>(), high = pixels.max().item<float>();
            if (!float.IsFinite(low) || !float.IsFinite(high))
                throw new ArgumentException("The face crops contain NaN or infinite values.", nameof(pixels));
            if (low < 0 || high > 255)
                throw new ArgumentException($"Expected pixel values from 0 to 255; found values from {low} to {high}.", nameof(pixels));
        }
        return ToAttributes(Outputs(pixels, Prepare));
    }

    /// <summary>
    /// Analyzes the faces a detector found in <paramref name="image"/>, each cut as face-api cuts it: a square of 1.2 times
    /// the box's longer side centred on the box, clipped to the image, padded back to a square and resized to 112×112.
    /// </summary>
    /// <param name="image">The image the faces were found in.</param>
    /// <param name="faces">The faces (<see cref="IFaceDetector.Detect(FaceImage)"/>); one result per face, in order.</param>
    /// <exception cref="ArgumentException">A face is null or its box leaves no pixels of the image.</exception>
    public IReadOnlyList<FaceAttributes> Analyze(FaceImage image, IReadOnlyList<DetectedFace> faces)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(faces);
        return Analyze([image], [faces])[0];
    }

    /// <summary>
    /// Analyzes the faces a detector found in each of <paramref name="images"/> (<see cref="IFaceDetector.Detect(IReadOnlyList{FaceImage})"/>),
    /// each cut as <see cref="Analyze(FaceImage, IReadOnlyList{DetectedFace})"/> cuts it, the faces of all images in bounded batches.
    /// </summary>
    /// <param name="images">The images.</param>
    /// <param name="faces">For each image, its faces; one result per face, in order.</param>
    /// <exception cref="ArgumentException">The counts differ, or an image, a list or a face is null, or a box leaves no pixels of its image.</exception>
    public IReadOnlyList<IReadOnlyList<FaceAttributes>> Analyze(IReadOnlyList<FaceImage> images, IReadOnlyList<IReadOnlyList<DetectedFace>> faces)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(faces);
        ThrowIfDisposed();
        if (faces.Count != images.Count)
            throw new ArgumentException($"'{nameof(faces)}' must hold one list per image ({images.Count}); got {faces.Count}.", nameof(faces));
        var windows = new List<(int Image, long Left, long Top, long Right, long Bottom)>();
        for (int i = 0; i < images.Count; i++)
        {
            FaceImage image = images[i] ?? throw new ArgumentException($"images[{i}] is null.", nameof(images));
            IReadOnlyList<DetectedFace> ofImage = faces[i] ?? throw new ArgumentException($"faces[{i}] is null.", nameof(faces));
            for (int f = 0; f < ofImage.Count; f++)
            {
                string name = images.Count == 1 ? $"faces[{f}]" : $"faces[{i}][{f}]";
                if (ofImage[f] is null)
                    throw new ArgumentException($"{name} is null.", nameof(faces));
                var (left, top, right, bottom) = CropWindow(ofImage[f].Box, image.Width, image.Height);
                if (right <= left || bottom <= top)
                    throw new ArgumentException($"The box of {name}, {ofImage[f].Box}, leaves no pixels of the {image.Width}×{image.Height} image.", nameof(faces));
                windows.Add((i, left, top, right, bottom));
            }
        }
        if (windows.Count == 0) return faces.Select(_ => (IReadOnlyList<FaceAttributes>)[]).ToArray();

        List<FaceAttributes> all;
        using (var scope = NewDisposeScope())
        {
            var rgb = new Dictionary<int, Tensor>();
            Tensor prepared = cat(windows.Select(w =>
            {
                if (!rgb.TryGetValue(w.Image, out Tensor? pixelsOfImage))
                    rgb[w.Image] = pixelsOfImage = images[w.Image].ToTensor();                                // H×W×3 bytes
                using var faceScope = NewDisposeScope();
                Tensor crop = pixelsOfImage.narrow(0, w.Top, w.Bottom - w.Top).narrow(1, w.Left, w.Right - w.Left); // h×w×3
                Tensor pixels = crop.permute(2, 0, 1).unsqueeze(0).to(ScalarType.Float32).to(Device);             // 1×3×h×w
                return Prepare(pixels).MoveToOuterDisposeScope();                                                 // 1×3×112×112
            }).ToList(), 0);
            all = ToAttributes(Outputs(prepared, x => x));
        }
        var results = new IReadOnlyList<FaceAttributes>[images.Count];
        int next = 0;
        for (int i = 0; i < images.Count; i++)
        {
            results[i] = all.GetRange(next, faces[i].Count);
            next += faces[i].Count;
        }
        return results;
    }

    /// <summary>
    /// The square face-api's pipeline would see for <paramref name="box"/>: side 1.2 × the longer side, centred, clipped to the image
    /// (face-api grows its landmark box by 20 % and pads it to a square; the MTCNN box stands in for the landmark box).
    /// </summary>
    private static (long Left, long Top, long Right, long Bottom) CropWindow(BoundingBox box, int width, int height)
    {
        double side = Math.Round(CropScale * Math.Max(box.X2 - box.X1, box.Y2 - box.Y1));
        double centreX = (box.X1 + box.X2) / 2.0, centreY = (box.Y1 + box.Y2) / 2.0;
        long left = (long)Math.Floor(centreX - (side / 2)), top = (long)Math.Floor(centreY - (side / 2));
        return (Math.Clamp(left, 0, width), Math.Clamp(top, 0, height),
            Math.Clamp(left + (long)side, 0, width), Math.Clamp(top + (long)side, 0, height));
    }

    /// <summary>Runs <paramref name="prepare"/> and the networks on at most MaxBatchSize images at a time.</summary>
    private Tensor Outputs(Tensor images, Func<Tensor, Tensor> prepare)
    {
        using var scope = NewDisposeScope();
        var outputs = new List<Tensor> { zeros(0, OutputColumns, device: Device) };
        for (long start = 0; start < images.shape[0]; start += maxBatchSize)
            outputs.Add(Outputs(prepare(images.narrow(0, start, Math.Min(maxBatchSize, images.shape[0] - start)).to(Device))));
        return cat(outputs, 0).MoveToOuterDisposeScope();
    }

    /// <summary>Frees the networks' weights.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0) return;
        ageGender.Dispose();
        expression.Dispose();
    }

    /// <summary>N×3×H×W 0..255 pixels padded to a square and resized to N×3×112×112 as face-api does.</summary>
    private static Tensor Prepare(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        Tensor square = PadToSquare(pixels);                                               // N×3×S×S
        Tensor resized = square.shape[2] == AgeGenderNet.InputSize ? square : TfBilinearResize.Resize(square, AgeGenderNet.InputSize);
        return resized.MoveToOuterDisposeScope();
    }

    /// <summary>Normalizes N×3×112×112 0..255 pixels as face-api does and runs both networks.</summary>
    /// <returns>N×10: age, p(male), p(female), the seven expression probabilities.</returns>
    private Tensor Outputs(Tensor resized)
    {
        using var scope = NewDisposeScope();
        if (resized.shape[0] == 0) return zeros(0, OutputColumns, device: Device).MoveToOuterDisposeScope();
        Tensor mean = tensor(Input.MeanRgb.ToArray(), [1, 3, 1, 1], device: Device);
        Tensor divisor = tensor(Input.Divisor, device: Device);
        Tensor normalized = resized.sub(mean).div_(divisor);                              // N×3×112×112
        Tensor result;
        using (inference_mode())
        {
            (Tensor age, Tensor genderLogits) = ageGender.call(normalized);              // N, N×2
            Tensor expressionLogits = expression.call(normalized);                        // N×7
            result = cat([age.unsqueeze(1), genderLogits.softmax(1), expressionLogits.softmax(1)], 1);
        }
        // A copy made outside inference mode is an ordinary tensor.
        return result.clone().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// face-api's <c>padToSquare</c> with centring: zeros on both sides of the shorter axis, <c>Math.round(diff / 2)</c>
    /// after (bottom or right) and the rest before.
    /// </summary>
    private static Tensor PadToSquare(Tensor pixels)
    {
        long height = pixels.shape[2], width = pixels.shape[3];
        if (height == width) return pixels;
        long difference = Math.Abs(height - width);
        long after = (long)Math.Round(difference / 2.0, MidpointRounding.AwayFromZero);
        long before = difference - after;
        long[] padding = height > width ? [before, after, 0, 0] : [0, 0, before, after]; // left, right, top, bottom
        return nn.functional.pad(pixels, padding);
    }

    private static List<FaceAttributes> ToAttributes(Tensor outputs)
    {
        if (outputs.shape[0] == 0) return [];
        float[] values = outputs.cpu().contiguous().data<float>().ToArray();
        var attributes = new List<FaceAttributes>((int)outputs.shape[0]);
        for (int row = 0; row < outputs.shape[0]; row++)
        {
            ReadOnlySpan<float> columns = values.AsSpan(row * OutputColumns, OutputColumns);
            float male = columns[1];
            // face-api: 'male' iff p(male) > 0.5, with probability p(male), else 1 − p(male).
            bool isMale = male > 0.5f;
            attributes.Add(new FaceAttributes(columns[0], isMale ? ApparentGender.Male : ApparentGender.Female,
                isMale ? male : 1 - male, male, new FaceExpressions(columns[3..].ToArray())));
        }
        return attributes;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
}
