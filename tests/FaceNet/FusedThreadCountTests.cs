using FaceEmbeddings.Tests.Infrastructure;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.FaceNet;

/// <summary>The fused encoder at several libtorch thread counts against facenet-pytorch. The thread count is
/// process-wide, so these run alone.</summary>
[Collection(WholeProcessTestGroup.Name)]
public sealed class FusedThreadCountTests(FaceNetReference reference) : IClassFixture<FaceNetReference>
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void The_fused_network_keeps_parity_whatever_the_number_of_threads(int threads)
    {
        // oneDNN's channels-last 1×1 convolution gave wrong values with more than one thread (libtorch 2.10);
        // the fused network must not depend on how many threads libtorch uses.
        using var model = reference.LoadedModel();
        using var fused = model.Fuse();
        using IDisposable threadCount = WholeProcessTestGroup.LibTorchThreads(threads);
        using var inference = inference_mode();
        using Tensor embeddings = fused.Embed(reference.AlignedInputs);
        using Tensor logits = fused.Classify(reference.AlignedInputs);

        FaceNetReference.MaxAbsDifference(embeddings, reference.Embeddings).Should().BeLessThan(1e-4f);
        FaceNetReference.MaxAbsDifference(logits, reference.Logits).Should().BeLessThan(1e-3f);
    }
}
