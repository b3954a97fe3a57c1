namespace FaceEmbeddings.Cli;

/// <summary>An <see cref="IProgress{T}"/> that handles each report at once on the reporting thread, in order
/// (unlike <see cref="Progress{T}"/>, which posts reports to the thread pool).</summary>
internal sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
