using System.Runtime.ExceptionServices;
using static TorchSharp.torch;

namespace FaceEmbeddings.Detection;

/// <summary>
/// Dedicated threads that compute independent pieces of one detection side by side (the pyramid's scales, batches
/// of crops), each thread running its libtorch operations on its own share of libtorch's threads.
/// </summary>
/// <remarks>
/// MTCNN's operations are small: libtorch splits each over all its threads and joins them again, and between
/// operations the managed steps (resampling, pooling, selection) run on one thread while libtorch's others spin.
/// On 2 cores that used the second core for about a quarter of the work. Two pieces of work at a time, each on
/// half the threads, keep both busy. Two, not more: each pyramid scale has half the pixels of the one before, so the
/// largest scale is half of P-Net's work and a third worker would wait for it.
/// <para>libtorch keeps its thread count per thread (OpenMP's setting), which is what lets these threads use fewer
/// than the caller's. Setting it also sets the count that threads adopt on their first libtorch operation; the
/// constructor restores that to the creating thread's count at once, so other threads are unaffected.</para>
/// <para>One detection at a time uses the threads; another that arrives meanwhile waits for them.</para>
/// </remarks>
internal sealed class TensorWorkers : IDisposable
{
    private readonly Thread[] threads;
    private readonly SemaphoreSlim[] wake; // one per thread, so no thread takes another's turn
    private readonly object gate = new();
    private Job? job;
    private volatile bool stopping;

    /// <summary>Runs every piece on the calling thread.</summary>
    public static TensorWorkers Inline { get; } = new(0, 1);

    /// <summary>Starts <paramref name="count"/> threads, each running libtorch on <paramref name="libTorchThreadsEach"/> threads.</summary>
    public TensorWorkers(int count, int libTorchThreadsEach)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(libTorchThreadsEach, 1);
        threads = new Thread[count];
        wake = new SemaphoreSlim[count];
        if (count == 0) return;

        int creatorThreads = get_num_threads();
        using var configured = new CountdownEvent(count);
        for (int i = 0; i < count; i++)
        {
            SemaphoreSlim turn = wake[i] = new SemaphoreSlim(0);
            threads[i] = new Thread(() => Serve(turn, libTorchThreadsEach, configured)) { IsBackground = true, Name = $"FaceEmbeddings detection {i + 1}" };
            threads[i].Start();
        }
        configured.Wait();
        set_num_threads(creatorThreads); // the count new threads adopt, back to what it was
    }

    /// <summary>Number of threads; 0 runs everything on the caller's thread.</summary>
    public int Count => threads.Length;

    /// <summary>Computes <c>piece(0)</c> … <c>piece(count − 1)</c> and returns their tensors in index order, owned by the
    /// caller's current dispose scope. Each piece runs in inference mode inside its own dispose scope, so tensors it
    /// does not return are freed as it ends.</summary>
    /// <exception cref="ObjectDisposedException">The threads were stopped.</exception>
    public Tensor[][] Map(int count, Func<int, Tensor[]> piece)
    {
        var results = new Tensor[count][];
        var work = new Job(count, index =>
        {
            using var scope = NewDisposeScope();
            results[index] = piece(index).Select(tensor => tensor.DetachFromDisposeScope()).ToArray();
        });
        // Concurrent detections take turns: a piece run on a caller's thread would use another libtorch thread count,
        // and results would then depend on timing in their last bits.
        bool onWorkers = threads.Length > 0;
        if (onWorkers) Monitor.Enter(gate);
        try
        {
            ObjectDisposedException.ThrowIf(stopping, this);
            if (onWorkers)
            {
                job = work;
                foreach (SemaphoreSlim turn in wake) turn.Release();
                work.Finished.Wait();
                job = null;
            }
            else
            {
                using var inference = inference_mode();
                work.Run();
            }
        }
        finally
        {
            if (onWorkers) Monitor.Exit(gate);
            work.Finished.Dispose();
            // On success each tensor gets a new handle made here, which joins the caller's dispose scope, and the
            // worker's handle goes; after a failure every finished piece's tensors are freed.
            foreach (Tensor[]? tensors in results)
            {
                for (int i = 0; tensors is not null && i < tensors.Length; i++)
                {
                    using Tensor fromWorker = tensors[i];
                    tensors[i] = work.Failure is null ? fromWorker.alias() : fromWorker;
                }
            }
        }
        work.Failure?.Throw();
        return results;
    }

    /// <summary>Stops the threads, after the call of <see cref="Map"/> in progress, if any.</summary>
    public void Dispose()
    {
        if (threads.Length == 0) return;
        lock (gate)
        {
            if (stopping) return;
            stopping = true;
            foreach (SemaphoreSlim turn in wake) turn.Release();
            foreach (Thread thread in threads) thread.Join();
            foreach (SemaphoreSlim turn in wake) turn.Dispose();
        }
    }

    private void Serve(SemaphoreSlim turn, int libTorchThreads, CountdownEvent configured)
    {
        get_num_threads();                // libtorch sets up this thread's count on first use: let it, then override
        set_num_threads(libTorchThreads); // this thread's own count, for all its operations from now on
        configured.Signal();
        while (true)
        {
            turn.Wait();
            if (stopping) return;
            Job work = job!;
            using (inference_mode())
                work.Run();
            work.WorkerDone(threads.Length);
        }
    }

    /// <summary>One call of <see cref="Map"/>: pieces handed out in index order to whichever thread is free.</summary>
    private sealed class Job(int count, Action<int> piece)
    {
        private int next = -1;
        private int workersDone;
        private ExceptionDispatchInfo? failure;

        public ManualResetEventSlim Finished { get; } = new(false);

        public ExceptionDispatchInfo? Failure => Volatile.Read(ref failure);

        public void Run()
        {
            int index;
            while (Failure is null && (index = Interlocked.Increment(ref next)) < count)
            {
                try
                {
                    piece(index);
                }
                catch (Exception exception)
                {
                    Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(exception), null);
                }
            }
        }

        public void WorkerDone(int workers)
        {
            if (Interlocked.Increment(ref workersDone) == workers) Finished.Set();
        }
    }
}
