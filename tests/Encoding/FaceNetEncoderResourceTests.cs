using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Tests.FaceNet;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Encoding;

[Collection(FaceNetTestGroup.Name)]
public sealed class FaceNetEncoderResourceTests(FaceNetReference reference)
{
    [Fact]
    public void Repeated_calls_leave_no_live_tensors_behind()
    {
        using var encoder = FaceNetEncoder.FromStateDict(reference.StateDict, new FaceNetEncoderOptions { MaxBatchSize = 2 });
        List<FaceCrop> crops = Enumerable.Range(0, 3).Select(i => FaceNetReference.Crop(reference.AlignedInputs[i])).ToList();
        try
        {
            void EmbedEverything()
            {
                encoder.Embed(reference.AlignedInputs).Dispose();
                encoder.Classify(reference.AlignedInputs).Dispose();
                encoder.Embed(crops).Dispose();
                encoder.Embed(crops[0]).Dispose();
            }

            EmbedEverything();
            long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            for (int i = 0; i < 3; i++) EmbedEverything();
            long after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

            after.Should().Be(before);
        }
        finally
        {
            crops.ForEach(crop => crop.Dispose());
        }
    }

    [Fact]
    public void Concurrent_calls_from_several_threads_give_the_sequential_results()
    {
        FaceNetEncoder encoder = reference.Encoder;
        Tensor[] inputs = Enumerable.Range(0, 4).Select(i => reference.AlignedInputs.narrow(0, i, 2)).ToArray();
        float[][] sequential = inputs.Select(input => Values(encoder.Embed(input))).ToArray();

        float[][] concurrent = new float[inputs.Length * 3][];
        Parallel.For(0, concurrent.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            concurrent[i] = Values(encoder.Embed(inputs[i % inputs.Length]));
        });

        for (int i = 0; i < concurrent.Length; i++)
        {
            float[] expected = sequential[i % inputs.Length];
            concurrent[i].Zip(expected, (a, b) => Math.Abs(a - b)).Max().Should().BeLessThan(1e-6f, because: $"call {i} ran concurrently");
        }
        foreach (Tensor input in inputs) input.Dispose();
    }

    private static float[] Values(Tensor embeddings)
    {
        using (embeddings) return embeddings.data<float>().ToArray();
    }
}
