using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FaceEmbeddings.Tests.Checkpoints;

/// <summary>
/// Seeded mutation fuzzing of the checkpoint reader over the valid legacy and zip PNet files: every mutated
/// file must either load or be refused with <see cref="CheckpointFormatException"/> — no other exception, no
/// hang, no tensor or managed allocation beyond the size of the file.
/// </summary>
public class CheckpointFuzzTests(ITestOutputHelper output)
{
    private const int Iterations = 5000;
    private static readonly TimeSpan TimeBudget = TimeSpan.FromSeconds(15);

    [Theory(Timeout = 120_000)]
    [InlineData("models/mtcnn/pnet.pt", 1)]
    [InlineData("fixtures/checkpoints/pnet-zipformat.pt", 2)]
    public async Task Mutated_checkpoints_load_or_are_refused_with_CheckpointFormatException(string file, int seed)
    {
        byte[] original = File.ReadAllBytes(SharedData.PathOf(file));
        // The first load initialises libtorch, which takes seconds; only mutants are timed.
        using (StateDictionary warmUp = TorchCheckpoint.Load(new MemoryStream(original)))
            warmUp.Should().HaveCount(13);
        var outcome = await Task.Run(() => MutationFuzzer.Run<CheckpointFormatException>(
            original, seed, Iterations, TimeBudget, (bytes, random) => MutationFuzzer.MutateBytes(bytes, random), LargestTensorBytes));

        outcome.ShouldBeClean(output, file, minimumIterations: 200);
        outcome.Loaded.Should().BeGreaterThan(0, "mutations of tensor bytes leave a loadable file");
    }

    /// <summary>Tensors of a checkpoint may be views of one storage, so each, not their sum, is bounded by the file.</summary>
    private static long LargestTensorBytes(byte[] mutant)
    {
        using StateDictionary stateDict = TorchCheckpoint.Load(new MemoryStream(mutant));
        return stateDict.Values
            .Select(tensor => tensor.NumberOfElements * tensor.ElementSize)
            .DefaultIfEmpty(0)
            .Max();
    }
}
