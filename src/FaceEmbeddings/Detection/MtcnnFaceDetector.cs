using FaceEmbeddings.Imaging;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Models.Mtcnn;
using FaceEmbeddings.Models.Store;
using FaceEmbeddings.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Detection;

/// <summary>
/// MTCNN face detection and alignment with the results of facenet-pytorch's <c>MTCNN</c>: the same boxes,
/// probabilities and landmarks, and the same crops. Thread-safe: one detector may serve many threads.
/// </summary>
/// <example>
/// <code>
/// using var detector = await MtcnnFaceDetector.CreateAsync(new MtcnnOptions { KeepAll = true });
/// using var image = FaceImage.Load("group.jpg");
/// using FaceCropBatch crops = detector.DetectAndExtract(image);
/// foreach (FaceCrop crop in crops)
/// {
///     using FaceImage face = crop.ToImage();
///     await face.SaveAsync($"face-{crop.Face.Box.X1:0}.png");
/// }
/// </code>
/// </example>
public sealed class MtcnnFaceDetector : IFaceDetector
{
    /// <summary>The model store names of the three networks' weights.</summary>
    private static readonly string[] ModelNames = { ModelCatalog.MtcnnPNet, ModelCatalog.MtcnnRNet, ModelCatalog.MtcnnONet };

    private readonly PNet proposal;
    private readonly RNet refine;
    private readonly ONet output;
    private readonly MtcnnCascade cascade;
    private readonly TensorWorkers workers;
    private readonly Device device;
    private bool disposed;

    private MtcnnFaceDetector(PNet proposal, RNet refine, ONet output, MtcnnOptions options, Device device)
    {
        this.proposal = proposal;
        this.refine = refine;
        this.output = output;
        Options = options;
        this.device = device;
        workers = CreateWorkers(options.WorkerThreads, device);
        cascade = new MtcnnCascade(proposal, refine, output, options, workers);
    }

    /// <summary>The settings this detector runs with.</summary>
    public MtcnnOptions Options { get; }

    /// <inheritdoc />
    public FaceCropGeometry Geometry => Options.Geometry;

    /// <summary>
    /// Creates a detector with facenet-pytorch's trained MTCNN weights (<c>mtcnn-pnet</c>, <c>mtcnn-rnet</c>,
    /// <c>mtcnn-onet</c>), fetched and verified by <paramref name="store"/>.
    /// </summary>
    /// <param name="options">Settings; facenet-pytorch's defaults when null.</param>
    /// <param name="store">Where the weights come from; a default <see cref="ModelStore"/> when null.</param>
    /// <param name="cancellationToken">Cancels a download in progress.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting of <paramref name="options"/> is out of range.</exception>
    /// <exception cref="ArgumentException">The device of <paramref name="options"/> is not available.</exception>
    /// <exception cref="ModelStoreException">The weights could not be obtained or verified.</exception>
    public static async Task<MtcnnFaceDetector> CreateAsync(MtcnnOptions? options = null, ModelStore? store = null, CancellationToken cancellationToken = default)
    {
        options ??= new MtcnnOptions();
        options.Validate();
        DeviceCheck.Require(options.Device, nameof(options));
        store ??= new ModelStore();
        var paths = new string[ModelNames.Length];
        for (int i = 0; i < paths.Length; i++)
            paths[i] = await store.GetAsync(ModelNames[i], progress: null, cancellationToken).ConfigureAwait(false);
        return FromFiles(paths[0], paths[1], paths[2], options);
    }

    /// <summary>Creates a detector from the three networks' weight files (PyTorch checkpoints with
    /// facenet-pytorch's key names, such as its <c>data/pnet.pt</c>, <c>rnet.pt</c> and <c>onet.pt</c>).</summary>
    /// <exception cref="CheckpointFormatException">A file is not a readable checkpoint.</exception>
    /// <exception cref="StateDictMismatchException">A file's tensors do not fit the network.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting of <paramref name="options"/> is out of range.</exception>
    /// <exception cref="ArgumentException">The device of <paramref name="options"/> is not available.</exception>
    public static MtcnnFaceDetector FromFiles(string pnetPath, string rnetPath, string onetPath, MtcnnOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(pnetPath);
        ArgumentException.ThrowIfNullOrEmpty(rnetPath);
        ArgumentException.ThrowIfNullOrEmpty(onetPath);
        options ??= new MtcnnOptions();
        options.Validate();
        DeviceCheck.Require(options.Device, nameof(options));
        using StateDictionary pnet = TorchCheckpoint.Load(pnetPath);
        using StateDictionary rnet = TorchCheckpoint.Load(rnetPath);
        using StateDictionary onet = TorchCheckpoint.Load(onetPath);
        return FromStateDicts(pnet, rnet, onet, options);
    }

    /// <summary>Creates a detector from the three networks' state dicts already in memory (which stay the caller's),
    /// under facenet-pytorch's key names.</summary>
    /// <exception cref="StateDictMismatchException">A state dict does not fit its network.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting of <paramref name="options"/> is out of range.</exception>
    /// <exception cref="ArgumentException">The device of <paramref name="options"/> is not available.</exception>
    public static MtcnnFaceDetector FromStateDicts(IReadOnlyDictionary<string, Tensor> pnet, IReadOnlyDictionary<string, Tensor> rnet,
        IReadOnlyDictionary<string, Tensor> onet, MtcnnOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pnet);
        ArgumentNullException.ThrowIfNull(rnet);
        ArgumentNullException.ThrowIfNull(onet);
        options ??= new MtcnnOptions();
        options.Validate();
        Device device = DeviceCheck.Require(options.Device, nameof(options));
        if (options.RetainFreedNativeMemory)
            NativeHeap.RetainFreedMemory(); // before the worker threads start, so that they share the one heap

        var proposal = new PNet();
        var refine = new RNet();
        var output = new ONet();
        try
        {
            proposal.LoadStateDict(pnet);
            refine.LoadStateDict(rnet);
            output.LoadStateDict(onet);
            proposal.to(device);
            refine.to(device);
            output.to(device);
        }
        catch
        {
            proposal.Dispose();
            refine.Dispose();
            output.Dispose();
            throw;
        }
        return new MtcnnFaceDetector(proposal, refine, output, options, device);
    }

    /// <inheritdoc />
    public IReadOnlyList<DetectedFace> Detect(FaceImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Detect(new[] { image })[0];
    }

    /// <inheritdoc />
    /// <remarks>Images of equal size go through the networks together, in one pyramid, in batches of at most
    /// <see cref="MtcnnOptions.MaxBatchPixels"/> pixels.</remarks>
    public IReadOnlyList<IReadOnlyList<DetectedFace>> Detect(IReadOnlyList<FaceImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        ObjectDisposedException.ThrowIf(disposed, this);
        for (int i = 0; i < images.Count; i++)
        {
            if (images[i] is null)
                throw new ArgumentException($"Image {i} of the batch is null.", nameof(images));
        }

        var results = new IReadOnlyList<DetectedFace>[images.Count];
        var sameSize = Enumerable.Range(0, images.Count).GroupBy(i => (images[i].Width, images[i].Height));
        foreach (var group in sameSize)
        {
            long pixels = (long)group.Key.Width * group.Key.Height;
            foreach (int[] members in BudgetedChunks.Of(group, _ => pixels, Options.MaxBatchPixels))
            {
                using var batch = AreaResampler.Of(members.Select(i => images[i].Rgb).ToArray(), group.Key.Height, group.Key.Width);
                IReadOnlyList<DetectedFace>[] found = cascade.Detect(batch, device);
                for (int k = 0; k < members.Length; k++) results[members[k]] = found[k];
            }
        }
        return results;
    }

    /// <summary>The face that <see cref="MtcnnOptions.Selection"/> picks among <paramref name="faces"/> of
    /// <paramref name="image"/>, or null when none qualifies.</summary>
    public DetectedFace? SelectFace(FaceImage image, IReadOnlyList<DetectedFace> faces)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(faces);
        return FaceSelector.Select(faces, Options, image.Width, image.Height);
    }

    /// <inheritdoc />
    /// <remarks>The crops of <see cref="MtcnnOptions.Geometry"/>; see <see cref="Extract(FaceImage, DetectedFace, FaceCropGeometry)"/>.</remarks>
    /// <exception cref="ArgumentException">The face box lies outside the image, or an aligned crop is asked of a face without landmarks.</exception>
    public FaceCrop Extract(FaceImage image, DetectedFace face) => Extract(image, face, Options.Geometry);

    /// <inheritdoc />
    /// <remarks>Unaligned, as facenet-pytorch's <c>extract_face</c>: the box plus the geometry's margin, clamped to the
    /// image, resized with <see cref="MtcnnOptions.CropResize"/>. Aligned: the chip through the similarity transform
    /// that maps the alignment's template onto the face's landmarks, antialiased, rounded to whole 0..255 values (so a
    /// saved chip embeds as the chip itself does). Standardized when <see cref="MtcnnOptions.PostProcess"/> is set.
    /// The crop is on the CPU.</remarks>
    /// <exception cref="ArgumentException">The face box lies outside the image, or an aligned crop is asked of a face
    /// without five finite landmarks.</exception>
    public FaceCrop Extract(FaceImage image, DetectedFace face, FaceCropGeometry geometry)
    {
        ArgumentNullException.ThrowIfNull(face);
        using FaceCropBatch crops = Extract(image, [face], geometry);
        return crops.Release()[0][0];
    }

    /// <summary>Cuts <paramref name="faces"/> out of <paramref name="image"/> with <paramref name="geometry"/>: aligned
    /// chips of one image in one warp. The caller owns the batch and disposes it.</summary>
    /// <exception cref="ArgumentException">As <see cref="Extract(FaceImage, DetectedFace, FaceCropGeometry)"/>.</exception>
    public FaceCropBatch Extract(FaceImage image, IReadOnlyList<DetectedFace> faces, FaceCropGeometry geometry)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(faces);
        ArgumentNullException.ThrowIfNull(geometry);
        ObjectDisposedException.ThrowIf(disposed, this);
        geometry.Validate();
        var crops = new List<FaceCrop>(faces.Count);
        try
        {
            if (geometry.Alignment is { } alignment)
            {
                if (faces.Count > 0)
                    crops.AddRange(AlignedCrops(image, faces, geometry, alignment));
            }
            else
            {
                foreach (DetectedFace face in faces)
                    crops.Add(BoxCrop(image, face, geometry));
            }
        }
        catch
        {
            foreach (FaceCrop crop in crops) crop.Dispose();
            throw;
        }
        return new FaceCropBatch([crops]);
    }

    /// <inheritdoc />
    /// <remarks>With <see cref="MtcnnOptions.KeepAll"/>, every face, largest first; otherwise the one
    /// <see cref="MtcnnOptions.Selection"/> picks.</remarks>
    public FaceCropBatch DetectAndExtract(FaceImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return DetectAndExtract(new[] { image });
    }

    /// <inheritdoc />
    /// <remarks>Images of one size run through the networks together, within <see cref="MtcnnOptions.MaxBatchPixels"/>;
    /// selection and cropping are per image, as <see cref="DetectAndExtract(FaceImage)"/> does them.</remarks>
    public FaceCropBatch DetectAndExtract(IReadOnlyList<FaceImage> images) => DetectAndExtract(images, null);

    /// <inheritdoc />
    public FaceCropBatch DetectAndExtract(IReadOnlyList<FaceImage> images, FaceCropGeometry? geometry)
    {
        geometry ??= Options.Geometry;
        geometry.Validate();
        IReadOnlyList<IReadOnlyList<DetectedFace>> detected = Detect(images);
        var perImage = new List<IReadOnlyList<FaceCrop>>(images.Count);
        try
        {
            for (int i = 0; i < images.Count; i++)
            {
                IReadOnlyList<DetectedFace> faces = detected[i];
                if (!Options.KeepAll)
                    faces = SelectFace(images[i], faces) is { } selected ? [selected] : [];
                using FaceCropBatch crops = Extract(images[i], faces, geometry);
                perImage.Add(crops.Release()[0]);
            }
        }
        catch
        {
            foreach (FaceCrop crop in perImage.SelectMany(crops => crops)) crop.Dispose();
            throw;
        }
        return new FaceCropBatch(perImage);
    }

    /// <summary>Frees the networks' weights.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        workers.Dispose();
        proposal.Dispose();
        refine.Dispose();
        output.Dispose();
    }

    /// <summary>The threads of <see cref="MtcnnOptions.WorkerThreads"/>, each with its share of libtorch's threads.</summary>
    private static TensorWorkers CreateWorkers(int? requested, Device device)
    {
        int libTorchThreads = get_num_threads();
        int count = requested ?? (device.type == DeviceType.CPU && libTorchThreads >= 2 ? 2 : 0);
        return count == 0 ? TensorWorkers.Inline : new TensorWorkers(count, Math.Max(1, libTorchThreads / count));
    }

    /// <summary>facenet-pytorch's <c>extract_face</c>: the box widened by the margin, clamped to the image, resized.</summary>
    private FaceCrop BoxCrop(FaceImage image, DetectedFace face, FaceCropGeometry geometry)
    {
        int size = geometry.Size;
        (int left, int top, int right, int bottom) = MarginCrop.CropRectangle(face.Box, geometry.Margin, size, image.Width, image.Height);
        if (right <= left || bottom <= top)
            throw new ArgumentException($"The face box {face.Box} leaves no pixels of the {image.Width}×{image.Height} image to crop.", nameof(face));

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor pixels = Options.CropResize == CropResizeMethod.Bilinear
            ? BilinearCrop(image, left, top, right, bottom, size)
            : AreaCrop(image, left, top, right, bottom, size);
        if (Options.PostProcess) pixels = PixelNormalization.Standardized.Apply(pixels);
        return new FaceCrop(pixels, face, Options.PostProcess, geometry);
    }

    /// <summary>The aligned chips of <paramref name="faces"/>, all from one upload of the image, on the CPU.</summary>
    private List<FaceCrop> AlignedCrops(FaceImage image, IReadOnlyList<DetectedFace> faces, FaceCropGeometry geometry, FaceAlignment alignment)
    {
        SimilarityTransform[] transforms = faces.Select(face => alignment.ChipToImage(face.Landmarks, geometry.Size)).ToArray();
        var crops = new List<FaceCrop>(faces.Count);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using Scalar darkest = 0, brightest = 255;
        Tensor pixels = tensor(image.Rgb, new long[] { image.Height, image.Width, 3 }, ScalarType.Byte)
            .to(device).permute(2, 0, 1).to(ScalarType.Float32); // [3, H, W]
        Tensor chips = AlignedChipSampler.Sample(pixels, transforms, geometry.Size).round().clamp(darkest, brightest).cpu(); // [N, 3, S, S]
        if (Options.PostProcess) chips = PixelNormalization.Standardized.Apply(chips);
        try
        {
            for (int i = 0; i < faces.Count; i++)
                crops.Add(new FaceCrop(chips[i].clone(), faces[i], Options.PostProcess, geometry));
        }
        catch
        {
            foreach (FaceCrop crop in crops) crop.Dispose();
            throw;
        }
        return crops;
    }

    /// <summary>PIL's bilinear resize of the crop, as facenet-pytorch for PIL images: [3, size, size] float32 0..255.</summary>
    private static Tensor BilinearCrop(FaceImage image, int left, int top, int right, int bottom, int size)
    {
        byte[] resized = PilBilinearResampler.ResizeCrop(image.Rgb, image.Width, left, top, right, bottom, size, size);
        return tensor(resized, new long[] { size, size, 3 }, ScalarType.Byte).permute(2, 0, 1).to(ScalarType.Float32);
    }

    /// <summary>Area interpolation of the crop truncated to bytes, as facenet-pytorch for tensor images:
    /// [3, size, size] float32 0..255.</summary>
    private static Tensor AreaCrop(FaceImage image, int left, int top, int right, int bottom, int size)
    {
        int width = right - left, height = bottom - top;
        byte[] crop = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
            Array.Copy(image.Rgb, ((top + y) * image.Width + left) * 3, crop, y * width * 3, width * 3);
        using AreaResampler resampler = AreaResampler.Of([crop], height, width);
        return resampler.ResizeImages(size, size, PixelNormalization.None, CPU)[0].to(ScalarType.Byte).to(ScalarType.Float32).permute(2, 0, 1);
    }
}
