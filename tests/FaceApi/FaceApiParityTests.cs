using System.Runtime.InteropServices;
using FaceEmbeddings.Models.TfJs;
using FaceEmbeddings.Tests.Infrastructure;
using Xunit.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.FaceApi;

/// <summary>
/// face-api's face-recognition network against face-api itself: the weights as its TF.js loader dequantizes them, and
/// its descriptors of 24 crops (faces, portraits, noise, a flat grey), computed by face-api 1.7.15 in Node.js.
/// </summary>
[Collection(FaceApiTestGroup.Name)]
public sealed class FaceApiParityTests(FaceApiReference reference, ITestOutputHelper output)
{
    /// <summary>The fixture README's bar: an independent float32 implementation lands within ~1e-6; the /256 divisor
    /// mistake alone misses by 4e-4.</summary>
    private const float Tolerance = 1e-5f;

    [Fact]
    public void Weights_equal_face_apis_dequantized_weights_bit_for_bit()
    {
        using var scope = NewDisposeScope();
        IReadOnlyDictionary<string, Tensor> loaded = TfJsWeights.Load(SharedData.PathOf(FaceApiReference.ManifestPath));
        var expected = reference.Weights.ToList();

        loaded.Keys.Should().Equal(expected.Select(entry => entry.Key), "every tensor, in manifest order");
        expected.Sum(entry => entry.Value.NumberOfElements).Should().Be(5_614_592);
        foreach ((string name, Tensor want) in expected)
        {
            Tensor got = loaded[name];
            got.shape.Should().Equal(want.shape, name);
            got.dtype.Should().Be(ScalarType.Float32, name);
            // Bit equality: the float32 patterns as integers, so that -0 ≠ +0 and NaN patterns would count.
            int[] gotBits = MemoryMarshal.Cast<float, int>(got.data<float>().ToArray()).ToArray();
            int[] wantBits = MemoryMarshal.Cast<float, int>(want.contiguous().data<float>().ToArray()).ToArray();
            gotBits.Zip(wantBits).Count(pair => pair.First != pair.Second)
                .Should().Be(0, $"every value of '{name}' must equal face-api's bit for bit");
        }
    }

    [Fact]
    public void Descriptors_of_pixels_match_face_api_one_call_per_crop()
    {
        using var scope = NewDisposeScope();
        for (int i = 0; i < 24; i++)
        {
            Tensor descriptor = reference.Encoder.EmbedPixels(reference.Pixels(i, 1));
            float difference = descriptor.sub(reference.Descriptors.narrow(0, i, 1)).abs().max().item<float>();
            output.WriteLine($"crop {i}: max |Δ| {difference:E2}");
            difference.Should().BeLessThanOrEqualTo(Tolerance, $"crop {i}");
        }
    }

    [Fact]
    public void Descriptors_of_a_standardized_batch_match_face_apis_batched_call()
    {
        using var scope = NewDisposeScope();
        using var half = 127.5f.ToScalar();
        using var step = 128f.ToScalar();
        Tensor standardized = reference.Pixels().sub(half).div_(step); // as the detector standardizes crops

        Tensor descriptors = reference.Encoder.Embed(standardized);

        descriptors.shape.Should().Equal(24, 128);
        float difference = descriptors.sub(reference.BatchedDescriptors).abs().max().item<float>();
        output.WriteLine($"batch of 24: max |Δ| {difference:E2}");
        difference.Should().BeLessThanOrEqualTo(Tolerance);
    }

    [Fact]
    public void Descriptors_are_not_unit_length()
    {
        using var scope = NewDisposeScope();
        Tensor norms = reference.Encoder.EmbedPixels(reference.Pixels(12, 6)).norm(1);
        norms.min().item<float>().Should().BeGreaterThan(1.1f, "face-api's descriptors are not L2-normalized (1.29–1.57 here)");
    }

    [Fact]
    public void Crops_of_another_size_are_resized_as_face_api_resizes_them()
    {
        using var scope = NewDisposeScope();
        // A 300×300 crop holding the original pixels at even rows and columns and black elsewhere. TensorFlow's bilinear
        // resize without half-pixel centres samples input position 2i, exactly the original pixels, so the descriptors
        // must equal those of the 150×150 crops; half-pixel centres (PyTorch's default) would blend in the black.
        Tensor original = reference.Pixels(12, 2);
        Tensor rows = stack([original, zeros_like(original)], 3).reshape(2, 3, 300, 150);
        Tensor doubled = stack([rows, zeros_like(rows)], 4).reshape(2, 3, 300, 300);

        Tensor difference = reference.Encoder.EmbedPixels(doubled).sub(reference.Descriptors.narrow(0, 12, 2)).abs();

        difference.max().item<float>().Should().BeLessThanOrEqualTo(Tolerance);
    }
}
