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
}
