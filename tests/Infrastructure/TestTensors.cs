using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Infrastructure;

/// <summary>
/// Tensors that tests build from numbers, made without a temporary TorchSharp Scalar: tests run beside the GC stress
/// test, and a Scalar finalized during the native call that reads it fails at random ("Unknown scalar type").
/// <c>ScalarSafetyTests</c> scans the tests as it scans the library.
/// </summary>
internal static class TestTensors
{
    /// <summary>0, 1, …, <paramref name="count"/> − 1 as <paramref name="type"/> (what <c>arange(count, type)</c> gives).</summary>
    public static Tensor Range(int count, ScalarType type) =>
        tensor(Enumerable.Range(0, count).Select(i => (double)i).ToArray()).to(type);

    /// <summary>A float32 tensor of <paramref name="shape"/> holding <paramref name="value"/> everywhere.</summary>
    public static Tensor Filled(float value, params long[] shape)
    {
        using Scalar fill = value;
        return full(shape, fill);
    }

    /// <summary>(<paramref name="pixels"/> − 127.5) / 128: facenet-pytorch's <c>fixed_image_standardization</c>.</summary>
    public static Tensor Standardized(Tensor pixels)
    {
        using Scalar middle = 127.5f;
        using Scalar step = 128f;
        return pixels.to(ScalarType.Float32).sub(middle).div(step);
    }

    /// <summary>Rows of <paramref name="rows"/> scaled to unit Euclidean length.</summary>
    public static Tensor UnitRows(Tensor rows) => rows.div(rows.norm(-1, keepdim: true));

    /// <summary>An N×N float32 tensor as a 2-D array (copied to the CPU).</summary>
    public static float[,] SquareMatrix(Tensor matrix)
    {
        int n = (int)matrix.shape[0];
        float[] values = matrix.cpu().data<float>().ToArray();
        var result = new float[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                result[i, j] = values[(i * n) + j];
        return result;
    }
}
