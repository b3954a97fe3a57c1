using System.Runtime.InteropServices;

namespace FaceEmbeddings.Runtime;

/// <summary>
/// Process-wide tuning of the native heap that libtorch allocates tensors from.
/// </summary>
/// <remarks>
/// libtorch's CPU allocator calls <c>malloc</c> and <c>free</c> for every tensor an operation creates. glibc serves
/// large blocks with fresh <c>mmap</c> mappings and returns them, and the freed top of its heaps, to the operating
/// system at once, so the next detection or embedding touches new pages and pays a page fault for every 4 KiB of every
/// intermediate tensor. Page faults are dear on virtual machines, where this dominated the time of a large MTCNN
/// detection (benchmarks/README.md). <see cref="RetainFreedMemory"/> asks glibc to keep freed memory for reuse
/// instead, the way PyTorch's CUDA caching allocator keeps device memory: no separate mappings for large blocks, no
/// trimming of a heap's free top, and no unmapping of the 64 MiB heaps glibc gives threads other than the first once
/// they are empty (the detector's worker threads each needed more than one, and faulted them in again on every large
/// detection). The cost is that the process keeps the native memory of its largest batch until it exits, and
/// that heaps grow 64 MiB at a time (address space; pages are only backed once touched).
/// <para>
/// Kept memory must not be kept many times over: glibc gives threads their own arenas (up to eight per core), and each
/// would hold the peak of whatever ran on it — the pool threads a dataset's batches land on, the detector's workers —
/// which more than doubled the resident memory of the <c>faceembed audit</c> main job, and made it no faster. So every thread shares one arena (<see cref="ArenaCount"/>): freed memory of one
/// thread serves the next. Small blocks still come from glibc's per-thread caches without the arena lock; the tensors'
/// large blocks take it, at a cost far below the work done on them.
/// </para>
/// Call it once, before the tensor work whose memory should be kept and before other threads allocate (arenas that
/// exist stay); creating an MTCNN detector does by default. Calling it before loading model weights keeps the memory
/// the loading frees resident too: the <c>faceembed</c> tool leaves the call to its detector, created after the encoder.
/// </remarks>
public static class NativeHeap
{
    /// <summary>Blocks below this size come from the heap, which can reuse them, instead of their own mapping.</summary>
    public const long HeapBlockLimitBytes = 1L << 30;

    /// <summary>Free memory at the top of a heap is kept up to this size instead of being returned to the system.</summary>
    public const long RetainedFreeBytes = 1L << 30;

    /// <summary>glibc's heaps for threads other than the first are at most this large (64 MiB on 64-bit systems); the
    /// padding kept at the top of a heap is set to it so that such a heap is never unmapped once empty.</summary>
    public const long ThreadHeapBytes = 1L << 26;

    /// <summary>The arenas (separate heaps) glibc may create: one, shared by every thread.</summary>
    public const int ArenaCount = 1;

    // glibc's mallopt parameters (malloc.h).
    private const int TrimThreshold = -1;
    private const int TopPad = -2;
    private const int MmapThreshold = -3;
    private const int ArenaMax = -8;

    private static readonly Lazy<bool> Applied = new(Apply);

    /// <summary>Keeps freed native memory in the process for reuse (glibc on Linux); does nothing elsewhere.</summary>
    /// <returns><see langword="true"/> when the C library accepted the settings; <see langword="false"/> on other
    /// operating systems or C libraries, whose allocators keep their own policy.</returns>
    public static bool RetainFreedMemory() => Applied.Value;

    private static bool Apply()
    {
        if (!OperatingSystem.IsLinux())
            return false;
        try
        {
            return mallopt(MmapThreshold, (int)HeapBlockLimitBytes) == 1 && mallopt(TrimThreshold, (int)RetainedFreeBytes) == 1
                && mallopt(TopPad, (int)ThreadHeapBytes) == 1 && mallopt(ArenaMax, ArenaCount) == 1;
        }
        catch (EntryPointNotFoundException)
        {
            return false; // a C library without mallopt
        }
        catch (DllNotFoundException)
        {
            return false; // not glibc
        }
    }

    // glibc's soname: mallopt's parameters above are glibc's, so other C libraries are left alone.
    // A plain DllImport: the call is blittable and needs no marshalling (LibraryImport would require unsafe code).
#pragma warning disable SYSLIB1054
    [DllImport("libc.so.6", EntryPoint = "mallopt", ExactSpelling = true)]
    private static extern int mallopt(int parameter, int value);
#pragma warning restore SYSLIB1054
}
