using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Models.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceEmbeddings.Models.FaceApi;

/// <summary>
/// face-api's face-recognition network (<c>FaceRecognitionNet</c>): a 29-layer ResNet whose weights descend from dlib's
/// <c>dlib_face_recognition_resnet_model_v1</c>, mapping a 150×150 RGB face to a 128-d descriptor. Descriptors are not
/// L2-normalized; compare them by Euclidean distance.
/// </summary>
/// <remarks>
/// Parameter names are face-api's weight names with <c>/</c> replaced by <c>.</c> (<c>conv32_down/conv/filters</c> →
/// <c>conv32_down.conv.filters</c>); filters are held as O×I×kH×kW where face-api stores kH×kW×I×O, and <c>fc</c> as
/// face-api stores it (256×128). <see cref="LoadTfJsWeights"/> does both conversions.
/// </remarks>
public sealed class FaceRecognitionNet : nn.Module<Tensor, Tensor>
{
    /// <summary>Side of the square input, in pixels.</summary>
    public const int InputSize = 150;

    /// <summary>Length of a descriptor.</summary>
    public const int DescriptorSize = 128;

    /// <summary>The divisor of face-api's input normalization, <c>(x − mean) / 255</c> (dlib divides by 256).</summary>
    public const float InputDivisor = 255f;

    /// <summary>The mean of face-api's input normalization, per RGB channel, in 0..255 pixel values.</summary>
    public static IReadOnlyList<float> InputMeanRgb { get; } = [122.782f, 117.001f, 104.298f];

    // Field names are face-api's weight names.
    private readonly ConvLayer conv32_down;
    private readonly MaxPool2d pool;
    private readonly ResidualLayer conv32_1;
    private readonly ResidualLayer conv32_2;
    private readonly ResidualLayer conv32_3;
    private readonly ResidualLayer conv64_down;
    private readonly ResidualLayer conv64_1;
    private readonly ResidualLayer conv64_2;
    private readonly ResidualLayer conv64_3;
    private readonly ResidualLayer conv128_down;
    private readonly ResidualLayer conv128_1;
    private readonly ResidualLayer conv128_2;
    private readonly ResidualLayer conv256_down;
    private readonly ResidualLayer conv256_1;
    private readonly ResidualLayer conv256_2;
    private readonly ResidualLayer conv256_down_out;
    private readonly Parameter fc;
    private ScalarType computeType = ScalarType.Float32;

    /// <summary>Creates the network with uninitialized weights; load them with <see cref="LoadTfJsWeights"/>.</summary>
    public FaceRecognitionNet() : base(nameof(FaceRecognitionNet))
    {
        Nnpack.EnsureConfigured(); // libtorch would warn on every convolution where NNPACK is unsupported
        conv32_down = new ConvLayer(nameof(conv32_down), 3, 32, 7, down: true, relu: true);
        pool = nn.MaxPool2d(3, 2);
        conv32_1 = new ResidualLayer(nameof(conv32_1), 32, 32, down: false);
        conv32_2 = new ResidualLayer(nameof(conv32_2), 32, 32, down: false);
        conv32_3 = new ResidualLayer(nameof(conv32_3), 32, 32, down: false);
        conv64_down = new ResidualLayer(nameof(conv64_down), 32, 64, down: true);
        conv64_1 = new ResidualLayer(nameof(conv64_1), 64, 64, down: false);
        conv64_2 = new ResidualLayer(nameof(conv64_2), 64, 64, down: false);
        conv64_3 = new ResidualLayer(nameof(conv64_3), 64, 64, down: false);
        conv128_down = new ResidualLayer(nameof(conv128_down), 64, 128, down: true);
        conv128_1 = new ResidualLayer(nameof(conv128_1), 128, 128, down: false);
        conv128_2 = new ResidualLayer(nameof(conv128_2), 128, 128, down: false);
        conv256_down = new ResidualLayer(nameof(conv256_down), 128, 256, down: true);
        conv256_1 = new ResidualLayer(nameof(conv256_1), 256, 256, down: false);
        conv256_2 = new ResidualLayer(nameof(conv256_2), 256, 256, down: false);
        conv256_down_out = new ResidualLayer(nameof(conv256_down_out), 256, 256, down: true);
        fc = new Parameter(empty(256, DescriptorSize), requires_grad: false);
        RegisterComponents();
        this.DetachParametersFromDisposeScope();
        eval();
    }

    /// <summary>
    /// Multiply-adds of one 150×150 face: the 29 convolutions plus the final product (the scales, pools and additions
    /// are not counted). One multiply-add is two floating-point operations.
    /// </summary>
    public static long MultiplyAddsPerFace { get; } = CountMultiplyAdds();

    /// <summary>
    /// Loads face-api's weights as <see cref="TfJs.TfJsWeights"/> reads them (face-api names, kH×kW×I×O filters), strictly:
    /// every weight must be present with its shape, and no other.
    /// </summary>
    /// <exception cref="StateDictMismatchException">A weight is missing, unexpected or of another shape.</exception>
    public void LoadTfJsWeights(IReadOnlyDictionary<string, Tensor> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        using var scope = NewDisposeScope();
        this.LoadStateDict(TfJsLayout.ToStateDict(weights));
    }

    /// <summary>
    /// Element type of the layers between the first convolution and the final product: <see cref="ScalarType.Float32"/>
    /// unless changed by <see cref="ConvertTrunk"/>.
    /// </summary>
    public ScalarType ComputeType => computeType;

    /// <summary>
    /// Converts the layers between the first convolution and the final product to <paramref name="computeType"/>, in
    /// place: <see cref="ScalarType.BFloat16"/> is faster on processors with native bfloat16. The input, the first
    /// convolution, the final average and product and the descriptors keep the weights' element type (float32).
    /// Call it after <see cref="LoadTfJsWeights"/>, before the network is used.
    /// </summary>
    /// <param name="computeType">A floating-point element type.</param>
    /// <exception cref="ArgumentException"><paramref name="computeType"/> is not a floating-point type.</exception>
    public void ConvertTrunk(ScalarType computeType)
    {
        ReducedPrecision.Require(computeType, nameof(computeType));
        ReducedPrecision.ConvertAllButFirst(children(), computeType); // conv32_down first; fc is a parameter, not a stage
        this.computeType = computeType;
    }

    /// <summary>Descriptors of normalized faces.</summary>
    /// <param name="input">N×3×150×150 float32, <c>(x − <see cref="InputMeanRgb"/>) / <see cref="InputDivisor"/></c> per channel.</param>
    /// <returns>N×128 descriptors.</returns>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor x = conv32_down.call(ChannelsLast.Of(input)).to(computeType); // N×32×72×72
        x = pool.call(x);                                    // N×32×35×35
        x = conv32_1.call(x);
        x = conv32_2.call(x);
        x = conv32_3.call(x);                                // N×32×35×35
        x = conv64_down.call(x);                             // N×64×17×17
        x = conv64_1.call(x);
        x = conv64_2.call(x);
        x = conv64_3.call(x);                                // N×64×17×17
        x = conv128_down.call(x);                            // N×128×8×8
        x = conv128_1.call(x);
        x = conv128_2.call(x);                               // N×128×8×8
        x = conv256_down.call(x);                            // N×256×4×4 (convolution 3×3, zero-padded)
        x = conv256_1.call(x);
        x = conv256_2.call(x);                               // N×256×4×4
        x = conv256_down_out.call(x);                        // N×256×2×2 (convolution 1×1, zero-padded)
        Tensor pooled = x.to(fc.dtype).mean([2, 3]);         // N×256
        return pooled.matmul(fc).MoveToOuterDisposeScope(); // N×128
    }

    private static long CountMultiplyAdds()
    {
        // (output side, input channels, output channels, kernel side) of every convolution at 150×150.
        var convolutions = new List<(long Side, long In, long Out, long Kernel)> { (72, 3, 32, 7) };
        convolutions.AddRange(Enumerable.Repeat((35L, 32L, 32L, 3L), 6));
        convolutions.AddRange([(17, 32, 64, 3), (17, 64, 64, 3)]);
        convolutions.AddRange(Enumerable.Repeat((17L, 64L, 64L, 3L), 6));
        convolutions.AddRange([(8, 64, 128, 3), (8, 128, 128, 3)]);
        convolutions.AddRange(Enumerable.Repeat((8L, 128L, 128L, 3L), 4));
        convolutions.AddRange([(3, 128, 256, 3), (3, 256, 256, 3)]);
        convolutions.AddRange(Enumerable.Repeat((4L, 256L, 256L, 3L), 4));
        convolutions.AddRange([(1, 256, 256, 3), (1, 256, 256, 3)]);
        return convolutions.Sum(c => c.Side * c.Side * c.In * c.Out * c.Kernel * c.Kernel) + (256L * DescriptorSize);
    }
}
