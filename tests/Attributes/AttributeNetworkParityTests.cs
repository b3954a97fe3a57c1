using System.Runtime.InteropServices;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Models.TfJs;
using FaceEmbeddings.Tests.Infrastructure;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Attributes;

/// <summary>
/// face-api's age/gender and expression networks against face-api itself: the weights as its TF.js loader dequantizes
/// them, and its outputs for 48 crops of 112×112 (so neither padding nor resizing happens).
/// </summary>
[Collection(FaceApiAttributesTestGroup.Name)]
public sealed class AttributeNetworkParityTests(FaceApiAttributesReference reference, ITestOutputHelper output)
{
    // The fixture README's bars for a float32 port; symmetric padding misses the age by up to 12.9 years, BGR input by 15.3.
    private const float AgeTolerance = 1e-3f;
    private const float ProbabilityTolerance = 1e-5f;
    private const float LogitTolerance = 1e-4f;

    [Theory]
    [InlineData(FaceApiAttributesReference.AgeGenderManifest, "weights_age_gender.safetensors", 51, 421_731)]
    [InlineData(FaceApiAttributesReference.ExpressionManifest, "weights_expression.safetensors", 49, 323_687)]
    public void Weights_equal_face_apis_dequantized_weights_bit_for_bit(string manifest, string weightsFile, int count, long values)
    {
        using var scope = NewDisposeScope();
        IReadOnlyDictionary<string, Tensor> loaded = TfJsWeights.Load(SharedData.PathOf(manifest));
        using SafeTensorsFile expected = SafeTensors.Load(SharedData.PathOf("fixtures/face_api_attributes/" + weightsFile));

        loaded.Keys.Should().BeEquivalentTo(expected.Tensors.Select(entry => entry.Key));
        loaded.Should().HaveCount(count);
        loaded.Values.Sum(tensor => tensor.NumberOfElements).Should().Be(values);
        foreach ((string name, Tensor want) in expected.Tensors)
        {
            Tensor got = loaded[name];
            got.shape.Should().Equal(want.shape, name);
            int[] gotBits = MemoryMarshal.Cast<float, int>(got.data<float>().ToArray()).ToArray();
            int[] wantBits = MemoryMarshal.Cast<float, int>(want.contiguous().data<float>().ToArray()).ToArray();
            gotBits.Zip(wantBits).Count(pair => pair.First != pair.Second).Should().Be(0, $"every value of '{name}' must equal face-api's bit for bit");
        }
    }

    [Fact]
    public void Age_and_gender_match_face_api_one_crop_at_a_time()
    {
        using var scope = NewDisposeScope();
        var ages = new List<Tensor>();
        var logits = new List<Tensor>();
        for (int i = 0; i < FaceApiAttributesReference.CropCount; i++)
        {
            (Tensor age, Tensor gender) = reference.AgeGender.call(reference.Normalized(i, 1));
            ages.Add(age);
            logits.Add(gender);
        }

        Tensor allAges = cat(ages, 0), allLogits = cat(logits, 0);
        Report("age", allAges, reference["age"]).Should().BeLessThanOrEqualTo(AgeTolerance);
        Report("gender logits", allLogits, reference["gender_logits"]).Should().BeLessThanOrEqualTo(LogitTolerance);
        Report("gender softmax", allLogits.softmax(1), reference["gender_softmax"]).Should().BeLessThanOrEqualTo(ProbabilityTolerance);
    }

    [Fact]
    public void Expressions_match_face_api_one_crop_at_a_time()
    {
        using var scope = NewDisposeScope();
        Tensor logits = cat(Enumerable.Range(0, FaceApiAttributesReference.CropCount)
            .Select(i => reference.Expression.call(reference.Normalized(i, 1))).ToList(), 0);

        Report("expression logits", logits, reference["expression_logits"]).Should().BeLessThanOrEqualTo(LogitTolerance);
        Report("expressions", logits.softmax(1), reference["expressions"]).Should().BeLessThanOrEqualTo(ProbabilityTolerance);
    }

    [Fact]
    public void A_batch_matches_face_apis_batched_call_and_the_crops_one_at_a_time()
    {
        using var scope = NewDisposeScope();
        Tensor input = reference.Normalized();
        (Tensor age, Tensor gender) = reference.AgeGender.call(input);
        Tensor expressions = reference.Expression.call(input).softmax(1);

        Report("age (batch)", age, reference["age_batched"]).Should().BeLessThanOrEqualTo(AgeTolerance);
        Report("gender (batch)", gender.softmax(1), reference["gender_softmax_batched"]).Should().BeLessThanOrEqualTo(ProbabilityTolerance);
        Report("expressions (batch)", expressions, reference["expressions_batched"]).Should().BeLessThanOrEqualTo(ProbabilityTolerance);
        for (int i = 0; i < FaceApiAttributesReference.CropCount; i += 7)
        {
            (Tensor ageAlone, Tensor genderAlone) = reference.AgeGender.call(reference.Normalized(i, 1));
            ageAlone.item<float>().Should().BeApproximately(age[i].item<float>(), 1e-4f, $"crop {i} alone and in a batch");
            genderAlone.sub(gender.narrow(0, i, 1)).abs().max().item<float>().Should().BeLessThan(1e-5f, $"crop {i} alone and in a batch");
        }
    }

    private float Report(string what, Tensor got, Tensor want)
    {
        got.shape.Should().Equal(want.shape, what);
        float difference = got.sub(want).abs().max().item<float>();
        output.WriteLine($"{what}: max |Δ| {difference:E2}");
        return difference;
    }
}
