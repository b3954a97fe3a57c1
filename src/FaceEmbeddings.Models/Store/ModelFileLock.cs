using System.Collections.Concurrent;
using System.Diagnostics;

namespace FaceEmbeddings.Models.Store;

/// <summary>
/// Exclusive right to write one model file: a semaphore per path among the threads of this process, and among
/// processes an exclusively opened <c>&lt;file&gt;.lock</c> beside it (an OS lock, released even if the process dies).
/// </summary>
/// <remarks>
/// The lock file is left in place on release: deleting it would let a process that opened the old file and one that
/// created a new file both believe they hold the lock.
/// </remarks>
internal sealed class ModelFileLock : IDisposable
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly SemaphoreSlim gate;
    private readonly FileStream lockFile;

    private ModelFileLock(SemaphoreSlim gate, FileStream lockFile)
    {
        this.gate = gate;
        this.lockFile = lockFile;
    }

    public static string PathFor(string modelPath) => modelPath + ".lock";

    /// <summary>Waits for the lock on <paramref name="modelPath"/>; the directory must exist.</summary>
    /// <param name="modelPath">The full path of the model file.</param>
    /// <param name="timeout">The longest wait.</param>
    /// <param name="onContention">Called once when another process holds the lock.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <exception cref="TimeoutException">The lock was not obtained within <paramref name="timeout"/>.</exception>
    public static async Task<ModelFileLock> AcquireAsync(string modelPath, TimeSpan timeout, Action onContention,
        CancellationToken cancellationToken)
    {
        string lockPath = PathFor(modelPath);
        long started = Stopwatch.GetTimestamp();
        SemaphoreSlim gate = Gates.GetOrAdd(modelPath, static _ => new SemaphoreSlim(1, 1));
        if (!await gate.WaitAsync(timeout, cancellationToken).ConfigureAwait(false))
            throw new TimeoutException($"Another thread of this process held the download lock on '{modelPath}' for more than {timeout}.");
        try
        {
            bool reportedContention = false;
            while (true)
            {
                try
                {
                    var lockFile = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    return new ModelFileLock(gate, lockFile);
                }
                catch (IOException ex) when (ex is not (FileNotFoundException or DirectoryNotFoundException or PathTooLongException))
                {
                    // Another process holds it (a sharing violation); wait for it to finish.
                    if (Stopwatch.GetElapsedTime(started) >= timeout)
                        throw new TimeoutException($"Another process held the lock file '{lockPath}' for more than {timeout}.", ex);
                    if (!reportedContention)
                    {
                        onContention();
                        reportedContention = true;
                    }
                    await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    public void Dispose()
    {
        lockFile.Dispose();
        gate.Release();
    }
}
