using System.Runtime.InteropServices;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Runtime;
using FaceEmbeddings.Tests.Detection;
using FaceEmbeddings.Tests.Infrastructure;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Reliability;

/// <summary>
/// <see cref="NativeHeap.RetainFreedMemory"/> on this Linux machine: a freed tensor larger than glibc's largest
/// default mapping threshold (32 MiB) stays in the heap as free memory, where the next tensor reuses it, instead of
/// going back to the system. Runs alone: other tests' allocations would move the heap's free total.
/// </summary>
[Collection(WholeProcessTestGroup.Name)]
public sealed class NativeHeapTests
{
    private const long TensorBytes = 48L << 20;

    [Fact]
    public void A_freed_large_tensor_stays_in_the_heap_for_reuse()
    {
        Assert.True(OperatingSystem.IsLinux(), "this suite runs on Linux with glibc");
        NativeHeap.RetainFreedMemory().Should().BeTrue("glibc accepts the settings");
        NativeHeap.RetainFreedMemory().Should().BeTrue("a second call is harmless");

        long mappedBefore = (long)mallinfo2().MappedBytes;
        long mappedDuring;
        using (Tensor block = empty(TensorBytes / sizeof(float)))
        {
            block.fill_(TorchScalars.One); // touch every page, as an operation's output does
            mappedDuring = (long)mallinfo2().MappedBytes;
        }
        long freeAfter = (long)mallinfo2().FreeBytes;

        (mappedDuring - mappedBefore).Should().BeLessThan(TensorBytes,
            "the 48 MiB block comes from a heap; with glibc's defaults it gets a mapping of its own, unmapped when freed");
        freeAfter.Should().BeGreaterThanOrEqualTo(TensorBytes, "once freed, the block stays in the heap as free memory");
    }

    [Fact]
    public void Detections_on_the_detectors_threads_do_not_fault_their_memory_in_again()
    {
        // glibc gives threads other than the first heaps of at most 64 MiB and unmaps a heap once it is empty. A
        // 1920×1080 pyramid's largest scale needs more than one such heap on a worker thread, so without the top
        // padding every detection faulted some 20 MiB in afresh (measured: median ~5,700 faults per detection).
        // No call of RetainFreedMemory here: the detector's default (MtcnnOptions.RetainFreedNativeMemory) makes it.
        var options = new MtcnnOptions { WorkerThreads = 2 };
        options.RetainFreedNativeMemory.Should().BeTrue("package users who never heard of NativeHeap get fast detection");
        using MtcnnFaceDetector detector = MtcnnFixture.CreateDetector(options);
        using FaceImage source = FaceImage.Load(SharedData.PathOf("fixtures/images/multiface.png"));
        using FaceImage fullHd = PhotoSizes.Resized(source, 1920, 1080);

        for (int i = 0; i < 3; i++) detector.Detect(fullHd); // the heaps grow to their working size
        var faults = new List<long>();
        for (int i = 0; i < 7; i++)
        {
            long before = ProcessMinorFaults();
            detector.Detect(fullHd).Should().NotBeEmpty();
            faults.Add(ProcessMinorFaults() - before);
        }

        faults.Order().ElementAt(faults.Count / 2).Should().BeLessThan(1000, $"faults per detection: {string.Join(", ", faults)}");
    }

    /// <summary>Minor page faults of the whole process, every thread (field 10 of <c>/proc/self/stat</c>).</summary>
    private static long ProcessMinorFaults()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[7], System.Globalization.CultureInfo.InvariantCulture);
    }

#pragma warning disable SYSLIB1054 // blittable struct return, no marshalling
    [DllImport("libc.so.6", ExactSpelling = true)]
    private static extern MallInfo2 mallinfo2();
#pragma warning restore SYSLIB1054

    /// <summary>glibc's <c>struct mallinfo2</c>, totals over all arenas.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly struct MallInfo2
    {
        private readonly nuint arena, ordblks, smblks, hblks;
        public readonly nuint MappedBytes; // hblkhd: blocks served by mappings of their own
        private readonly nuint usmblks, fsmblks, uordblks;
        public readonly nuint FreeBytes;   // fordblks: free memory inside the heaps
        private readonly nuint keepcost;
    }
}
