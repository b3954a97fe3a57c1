using System.Collections.Concurrent;

namespace FaceEmbeddings.Runtime;

/// <summary>
/// One thread of its own that runs the pieces of work given to it, in order. glibc keeps the native memory a thread
/// frees in that thread's arena (see <see cref="NativeHeap"/>): batches spread over pool threads would each leave a copy
/// of a batch's peak in another arena, while on one thread every batch reuses the memory of the one before.
/// </summary>
internal sealed class BatchThread : IDisposable
{
    private readonly BlockingCollection<Action> queue = new();
    private readonly Thread thread;

    public BatchThread(string name)
    {
        thread = new Thread(() =>
        {
            foreach (Action next in queue.GetConsumingEnumerable())
                next();
        })
        { IsBackground = true, Name = name };
        thread.Start();
    }

    /// <summary>Runs <paramref name="work"/> on the thread, after what was given before; its exception ends the task.</summary>
    public Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        queue.Add(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception exception)
            {
                done.SetException(exception);
            }
        }, cancellationToken);
        return done.Task;
    }

    /// <summary>Lets the thread finish what it was given, then end.</summary>
    public void Dispose()
    {
        queue.CompleteAdding();
        thread.Join();
        queue.Dispose();
    }
}
