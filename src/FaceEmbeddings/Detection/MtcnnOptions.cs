using static TorchSharp.torch;

namespace FaceEmbeddings.Detection;

/// <summary>
/// Settings of <see cref="MtcnnFaceDetector"/>, mirroring the arguments and defaults of facenet-pytorch's
/// <c>MTCNN</c>.
/// </summary>
public sealed record MtcnnOptions
{
    /// <summary>Side length of the square face crops, in pixels (default 160; <c>image_size</c>).</summary>
    public int ImageSize { get; init; } = 160;

    /// <summary>
    /// Margin around the face box, in pixels of the output crop (default 0; <c>margin</c>). It is converted to
    /// source pixels as <c>margin × box size / (ImageSize − margin)</c> on each axis.
    /// </summary>
    public int Margin { get; init; }

    /// <summary>
    /// Cut chips aligned to this template through the five landmarks instead of box crops (default null: facenet-pytorch's
    /// unaligned crops; <see cref="Margin"/> and <see cref="CropResize"/> then do not apply). An encoder's
    /// <c>Input.ApplyTo(options)</c> sets it to the geometry the encoder was trained on.
    /// </summary>
    public FaceAlignment? Alignment { get; init; }

    /// <summary>The crops <see cref="MtcnnFaceDetector.Extract(FaceEmbeddings.Imaging.FaceImage, DetectedFace)"/> cuts:
    /// <see cref="ImageSize"/>, <see cref="Margin"/> and <see cref="Alignment"/>.</summary>
    public FaceCropGeometry Geometry => new(ImageSize, Margin, Alignment);

    /// <summary>The default of <see cref="MinFaceSize"/>: facenet-pytorch's <c>min_face_size</c>.</summary>
    public const int DefaultMinFaceSize = 20;

    /// <summary>The default of <see cref="ConfidentProbability"/>, the probability from which a detection counts as confident.</summary>
    public const float DefaultConfidentProbability = 0.95f;

    /// <summary>Smallest face searched for, in source pixels (default 20; <c>min_face_size</c>).</summary>
    public int MinFaceSize { get; init; } = DefaultMinFaceSize;

    /// <summary>The three stages' probability thresholds (default 0.6, 0.7, 0.7; <c>thresholds</c>).</summary>
    public MtcnnThresholds Thresholds { get; init; } = MtcnnThresholds.Default;

    /// <summary>Scale step of the image pyramid, between 0 and 1 (default 0.709; <c>factor</c>).</summary>
    public double Factor { get; init; } = 0.709;

    /// <summary>Standardize crops to <c>(x − 127.5) / 128</c> (default true; <c>post_process</c>); false keeps 0..255.</summary>
    public bool PostProcess { get; init; } = true;

    /// <summary>Which face <see cref="MtcnnFaceDetector.DetectAndExtract(FaceEmbeddings.Imaging.FaceImage)"/> keeps when <see cref="KeepAll"/> is
    /// false (default <see cref="FaceSelection.Largest"/>; <c>selection_method</c>).</summary>
    public FaceSelection Selection { get; init; } = FaceSelection.Largest;

    /// <summary>Probability a face must exceed for <see cref="FaceSelection.LargestOverThreshold"/> (default 0.9).</summary>
    public float SelectionThreshold { get; init; } = 0.9f;

    /// <summary>Probability from which <see cref="FaceSelection.LargestConfident"/> counts a face as confident (default
    /// 0.95).</summary>
    public float ConfidentProbability { get; init; } = DefaultConfidentProbability;

    /// <summary>Weight of the squared centre offset for <see cref="FaceSelection.CenterWeightedSize"/> (default 2.0).</summary>
    public float CenterWeight { get; init; } = 2.0f;

    /// <summary>Extract every face, largest first, instead of the selected one (default false; <c>keep_all</c>).</summary>
    public bool KeepAll { get; init; }

    /// <summary>How crops are resized to <see cref="ImageSize"/> (default <see cref="CropResizeMethod.Bilinear"/>, as
    /// facenet-pytorch does for PIL images).</summary>
    public CropResizeMethod CropResize { get; init; } = CropResizeMethod.Bilinear;

    /// <summary>Where the networks run (default: the CPU).</summary>
    public Device? Device { get; init; }

    /// <summary>
    /// Threads that run independent pieces of a detection side by side: the pyramid's scales, batches of crops
    /// (default null: 2 on the CPU when libtorch has at least 2 threads, otherwise none). The detector's threads share
    /// libtorch's threads (as set when the detector is created) between them, and live until it is disposed. 0 runs
    /// every piece on the calling thread, each operation over all of libtorch's threads. Concurrent detections take
    /// turns on the threads. As with any change of libtorch's thread count, probabilities and boxes can change in their
    /// last bits with this setting.
    /// </summary>
    public int? WorkerThreads { get; init; }

    /// <summary>
    /// Whether creating the detector asks the C library to keep freed native memory for reuse (default
    /// <see langword="true"/>; <see cref="Runtime.NativeHeap.RetainFreedMemory"/>). This is a process-wide setting of
    /// glibc's allocator on Linux (nothing elsewhere), made once and never undone, which is why it is an option here
    /// rather than done silently: every tensor libtorch allocates then reuses memory the process already holds, instead
    /// of faulting in fresh pages for each detection's and each batch's large intermediate tensors, which makes
    /// detection markedly faster on virtual machines (benchmarks/README.md). The process keeps the native memory of its largest batch
    /// until it exits, and all threads share one heap. Set it to <see langword="false"/> to leave the allocator's
    /// policy to the application (for example when it tunes <c>MALLOC_*</c> itself).
    /// </summary>
    public bool RetainFreedNativeMemory { get; init; } = true;

    /// <summary>
    /// The most pixels (width × height, summed over the images) that go through the networks together (default
    /// <see cref="DefaultMaxBatchPixels"/>). Images of equal size share one pyramid; a batch whose images hold more
    /// pixels than this is split into consecutive sub-batches that each stay within it, so memory is bounded by the
    /// budget, not by the number of images. An image larger than the budget is detected alone. The budget only changes
    /// which images share a pass through the networks, which can move boxes and probabilities in their last bits
    /// (float32 rounding), as batching does.
    /// </summary>
    public long MaxBatchPixels { get; init; } = DefaultMaxBatchPixels;

    /// <summary>
    /// The default of <see cref="MaxBatchPixels"/>: 16,777,216 pixels (2²⁴: eight 1920×1080 frames, one 16 MP photo,
    /// 419 images of 200×200). Detection memory grows with the source pixels of a batch: three 32-bit sums per pixel
    /// in the summed-area tables, and at the pyramid's largest scale (0.6² of the pixels with the default
    /// <see cref="MinFaceSize"/>) P-Net's float32 input and feature maps (3, 10 and 10 channels at full scale, then 16
    /// and 32 at a quarter), two scales at a time on the worker threads. So the budget bounds a batch's peak, where 32
    /// photos of 12 MP in one batch would need over twenty times as much; a batch of 32 images of 200×200 (1.3 M
    /// pixels) is not split. A smaller MinFaceSize enlarges the pyramid, and this
    /// memory, by about (20 / MinFaceSize)².
    /// </summary>
    public const long DefaultMaxBatchPixels = 1L << 24;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the exception names the first.</exception>
    public void Validate()
    {
        if (ImageSize < 1)
            throw new ArgumentOutOfRangeException(nameof(ImageSize), ImageSize, "ImageSize must be at least 1 pixel.");
        if (Margin < 0 || Margin >= ImageSize)
            throw new ArgumentOutOfRangeException(nameof(Margin), Margin, $"Margin must be at least 0 and below ImageSize ({ImageSize}).");
        if (MinFaceSize < 1)
            throw new ArgumentOutOfRangeException(nameof(MinFaceSize), MinFaceSize, "MinFaceSize must be at least 1 pixel.");
        if (!(Factor > 0 && Factor < 1))
            throw new ArgumentOutOfRangeException(nameof(Factor), Factor, "Factor must lie strictly between 0 and 1.");
        CheckProbability(Thresholds.PNet, "Thresholds.PNet");
        CheckProbability(Thresholds.RNet, "Thresholds.RNet");
        CheckProbability(Thresholds.ONet, "Thresholds.ONet");
        CheckProbability(SelectionThreshold, nameof(SelectionThreshold));
        CheckProbability(ConfidentProbability, nameof(ConfidentProbability));
        if (!float.IsFinite(CenterWeight) || CenterWeight < 0)
            throw new ArgumentOutOfRangeException(nameof(CenterWeight), CenterWeight, "CenterWeight must be a finite number of at least 0.");
        if (WorkerThreads is < 0)
            throw new ArgumentOutOfRangeException(nameof(WorkerThreads), WorkerThreads, "WorkerThreads must be at least 0.");
        if (MaxBatchPixels < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxBatchPixels), MaxBatchPixels, "MaxBatchPixels must be at least 1 pixel.");
        if (!Enum.IsDefined(Selection))
            throw new ArgumentOutOfRangeException(nameof(Selection), Selection, "Unknown face selection method.");
        if (!Enum.IsDefined(CropResize))
            throw new ArgumentOutOfRangeException(nameof(CropResize), CropResize, "Unknown crop resize method.");
    }

    private static void CheckProbability(float value, string name)
    {
        if (!(value >= 0 && value <= 1))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must lie between 0 and 1.");
    }
}
