using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Infrastructure;

/// <summary>
/// Tests that measure or change the whole process (its resident memory, the C heap's policy, libtorch's global thread
/// count), so nothing else may run beside them: a thread count set by one test would change the floating-point
/// results of every other test running at that moment.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WholeProcessTestGroup
{
    public const string Name = "Whole process (run alone)";

    /// <summary>
    /// Sets libtorch's process-wide intra-op thread count until the result is disposed, which restores the count it
    /// had before. Only for tests of this group.
    /// </summary>
    public static IDisposable LibTorchThreads(int threads)
    {
        var restore = new ThreadCount(get_num_threads());
        set_num_threads(threads);
        return restore;
    }

    private sealed class ThreadCount(int previous) : IDisposable
    {
        public void Dispose() => set_num_threads(previous);
    }
}
