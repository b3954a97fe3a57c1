using System.Diagnostics;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Tests.Infrastructure;
using Xunit.Abstractions;
using static TorchSharp.torch;

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
    private static readonly TimeSpan SlowIteration = TimeSpan.FromSeconds(2);

    // Values that tend to break length and count fields.
    private static readonly long[] Interesting =
        [0, 1, -1, 2, 127, 128, 255, 256, 0x7fff, 0xffff, 0x10000, int.MaxValue, int.MinValue, uint.MaxValue, long.MaxValue, long.MinValue, 1L << 40];

    [Theory(Timeout = 120_000)]
    [InlineData("models/mtcnn/pnet.pt", 1)]
    [InlineData("fixtures/checkpoints/pnet-zipformat.pt", 2)]
    public async Task Mutated_checkpoints_load_or_are_refused_with_CheckpointFormatException(string file, int seed)
    {
        byte[] original = File.ReadAllBytes(SharedData.PathOf(file));
        // The first load initialises libtorch, which takes seconds; only mutants are timed.
        using (var warmUp = NewDisposeScope())
            TorchCheckpoint.Load(new MemoryStream(original)).Should().HaveCount(13);
        var outcome = await Task.Run(() => Fuzz(original, seed));

        output.WriteLine($"{file}: {outcome.Iterations} mutants in {outcome.Elapsed.TotalSeconds:F1} s, {outcome.Loaded} loaded, "
            + $"{outcome.Refused} refused, slowest {outcome.Slowest.TotalMilliseconds:F0} ms, most managed bytes {outcome.MostManagedBytes}");
        outcome.Failures.Should().BeEmpty();
        outcome.Refused.Should().BeGreaterThan(0);
        outcome.Loaded.Should().BeGreaterThan(0, "mutations of tensor bytes leave a loadable file");
        outcome.Iterations.Should().BeGreaterThanOrEqualTo(200, "the loop must run enough mutants to mean something");
    }

    private static FuzzOutcome Fuzz(byte[] original, int seed)
    {
        var random = new Random(seed);
        var outcome = new FuzzOutcome();
        var clock = Stopwatch.StartNew();
        // A mutant may add a few bytes; parsing allocates buffers and copies of the pickle, never storages.
        long managedLimit = (8L * original.Length) + (1 << 20);
        while (outcome.Iterations < Iterations && clock.Elapsed < TimeBudget)
        {
            outcome.Iterations++;
            byte[] mutant = Mutate(original, random, out string mutation);
            string label = $"mutant {outcome.Iterations} ({mutation})";
            var started = clock.Elapsed;
            long managedBefore = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                using var scope = NewDisposeScope();
                var tensors = TorchCheckpoint.Load(new MemoryStream(mutant));
                outcome.Loaded++;
                foreach ((string key, Tensor tensor) in tensors)
                {
                    if (tensor.NumberOfElements * tensor.ElementSize > mutant.Length)
                        outcome.Failures.Add($"{label}: '{key}' takes {tensor.NumberOfElements * tensor.ElementSize} bytes from a {mutant.Length}-byte file");
                }
            }
            catch (CheckpointFormatException)
            {
                outcome.Refused++;
            }
            catch (Exception e)
            {
                outcome.Failures.Add($"{label}: {e.GetType().Name}: {e.Message}");
            }
            long managed = GC.GetAllocatedBytesForCurrentThread() - managedBefore;
            outcome.MostManagedBytes = Math.Max(outcome.MostManagedBytes, managed);
            if (managed > managedLimit)
                outcome.Failures.Add($"{label}: allocated {managed} managed bytes for a {mutant.Length}-byte file");
            var duration = clock.Elapsed - started;
            outcome.Slowest = duration > outcome.Slowest ? duration : outcome.Slowest;
            if (duration > SlowIteration)
                outcome.Failures.Add($"{label}: took {duration.TotalSeconds:F1} s");
        }
        outcome.Elapsed = clock.Elapsed;
        return outcome;
    }

    private static byte[] Mutate(byte[] original, Random random, out string mutation)
    {
        var bytes = new List<byte>(original);
        var steps = new List<string>();
        for (int step = random.Next(1, 4); step > 0; step--)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    int bit = random.Next(8);
                    bytes[at] ^= (byte)(1 << bit);
                    steps.Add($"flip bit {bit} at {at}");
                    break;
                case 1:
                    bytes.RemoveRange(at, bytes.Count - at);
                    steps.Add($"truncate to {at}");
                    break;
                case 2:
                    byte[] inserted = new byte[random.Next(1, 17)];
                    random.NextBytes(inserted);
                    bytes.InsertRange(at, inserted);
                    steps.Add($"insert {inserted.Length} bytes at {at}");
                    break;
                case 3:
                    int width = 1 << random.Next(4);
                    long value = Interesting[random.Next(Interesting.Length)];
                    for (int i = 0; i < width && at + i < bytes.Count; i++)
                        bytes[at + i] = (byte)(value >> (8 * i));
                    steps.Add($"write {value} as {width} bytes at {at}");
                    break;
                default:
                    int count = Math.Min(random.Next(1, 65), bytes.Count - at);
                    bytes.RemoveRange(at, count);
                    steps.Add($"delete {count} bytes at {at}");
                    break;
            }
            if (bytes.Count == 0)
                break;
        }
        mutation = string.Join(", ", steps);
        return [.. bytes];
    }

    private sealed class FuzzOutcome
    {
        public int Iterations { get; set; }

        public int Loaded { get; set; }

        public int Refused { get; set; }

        public long MostManagedBytes { get; set; }

        public TimeSpan Slowest { get; set; }

        public TimeSpan Elapsed { get; set; }

        public List<string> Failures { get; } = [];
    }
}
