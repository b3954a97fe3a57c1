using System.Diagnostics;
using Xunit.Abstractions;

namespace FaceEmbeddings.Tests.Infrastructure;

/// <summary>
/// Seeded mutation fuzzing of a file reader: mutants of a valid file must either load or be refused with the
/// documented exception — no other exception, no slow iteration (a hang), no tensor memory larger than the mutant,
/// no managed allocation beyond a small multiple of its size.
/// </summary>
public static class MutationFuzzer
{
    /// <summary>Longest a single mutant may take before it counts as a hang (generous: the machine may be busy).</summary>
    public static readonly TimeSpan SlowIteration = TimeSpan.FromSeconds(2);

    // Values that tend to break length and count fields.
    private static readonly long[] Interesting =
        [0, 1, -1, 2, 127, 128, 255, 256, 0x7fff, 0xffff, 0x10000, int.MaxValue, int.MinValue, uint.MaxValue, long.MaxValue, long.MinValue, 1L << 40];

    /// <summary>
    /// Runs up to <paramref name="iterations"/> mutants, stopping early when <paramref name="budget"/> is spent.
    /// <paramref name="load"/> reads a mutant and returns the tensor bytes it produced (checked against the mutant's
    /// length); it owns and frees what it loaded.
    /// </summary>
    public static FuzzOutcome Run<TRefusal>(byte[] original, int seed, int iterations, TimeSpan budget,
        Func<byte[], Random, (byte[] Mutant, string Mutation)> mutate, Func<byte[], long> load)
        where TRefusal : Exception
    {
        var random = new Random(seed);
        var outcome = new FuzzOutcome();
        var clock = Stopwatch.StartNew();
        // A mutant may add a few bytes; parsing allocates buffers and copies of headers, never the tensors' data.
        long managedLimit = (8L * original.Length) + (1 << 20);
        while (outcome.Iterations < iterations && clock.Elapsed < budget)
        {
            outcome.Iterations++;
            (byte[] mutant, string mutation) = mutate(original, random);
            string label = $"mutant {outcome.Iterations} ({mutation})";
            var started = clock.Elapsed;
            long managedBefore = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                long tensorBytes = load(mutant);
                outcome.Loaded++;
                if (tensorBytes > mutant.Length)
                    outcome.Failures.Add($"{label}: its tensors take {tensorBytes} bytes from a {mutant.Length}-byte file");
            }
            catch (TRefusal)
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

    /// <summary>
    /// One to three byte-level mutations (bit flip, truncation, insertion of random bytes, an interesting value
    /// written over 1–8 bytes, deletion) at positions below <paramref name="regionEnd"/> (the whole file when null).
    /// </summary>
    public static (byte[] Mutant, string Mutation) MutateBytes(byte[] original, Random random, int? regionEnd = null)
    {
        var bytes = new List<byte>(original);
        var steps = new List<string>();
        for (int step = random.Next(1, 4); step > 0; step--)
        {
            int at = random.Next(Math.Min(regionEnd ?? bytes.Count, bytes.Count));
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
        return ([.. bytes], string.Join(", ", steps));
    }
}

/// <summary>What a fuzzing run saw.</summary>
public sealed class FuzzOutcome
{
    public int Iterations { get; set; }

    public int Loaded { get; set; }

    public int Refused { get; set; }

    public long MostManagedBytes { get; set; }

    public TimeSpan Slowest { get; set; }

    public TimeSpan Elapsed { get; set; }

    public List<string> Failures { get; } = [];

    /// <summary>
    /// Writes the outcome and its failures under <paramref name="label"/>, then asserts what every fuzzing test
    /// asserts: no failure, some mutants refused, at least <paramref name="minimumIterations"/> mutants run.
    /// </summary>
    public void ShouldBeClean(ITestOutputHelper output, string label, int minimumIterations)
    {
        output.WriteLine($"{label}: {this}");
        Failures.ForEach(output.WriteLine);
        Failures.Should().BeEmpty();
        Refused.Should().BeGreaterThan(0);
        Iterations.Should().BeGreaterThanOrEqualTo(minimumIterations, "the loop must run enough mutants to mean something");
    }

    public override string ToString() =>
        $"{Iterations} mutants in {Elapsed.TotalSeconds:F1} s, {Loaded} loaded, {Refused} refused, "
        + $"slowest {Slowest.TotalMilliseconds:F0} ms, most managed bytes {MostManagedBytes}";
}
