using System.Runtime.InteropServices;
using FaceEmbeddings.Runtime;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Reliability;

/// <summary>
/// <see cref="NativeHeap.RetainFreedMemory"/> on this Linux machine: a freed tensor larger than glibc's largest
/// default mapping threshold (32 MiB) stays in the heap as free memory, where the next tensor reuses it, instead of
/// going back to the system. Runs alone: other tests' allocations would move the heap's free total.
/// </summary>
[Collection(ProcessMemoryTestGroup.Name)]
public sealed class NativeHeapTests
{
    private const long TensorBytes = 48L << 20;

    [Fact]
    public void A_freed_large_tensor_stays_in_the_heap_for_reuse()
    {
        Assert.True(OperatingSystem.IsLinux(), "this suite runs on Linux with glibc");
        NativeHeap.RetainFreedMemory().Should().BeTrue("glibc accepts the settings");
        NativeHeap.RetainFreedMemory().Should().BeTrue("a second call is harmless");

        long freeBefore = HeapFreeBytes();
        using (Tensor block = empty(TensorBytes / sizeof(float)))
            block.fill_(1f); // touch every page, as an operation's output does
        long freeAfter = HeapFreeBytes();

        (freeAfter - freeBefore).Should().BeGreaterThanOrEqualTo(TensorBytes,
            "the 48 MiB block is kept as free heap memory; with glibc's defaults it would be unmapped and the heap's free total unchanged");
    }

    /// <summary>Free bytes held in glibc's heaps, all arenas (<c>mallinfo2().fordblks</c>).</summary>
    private static long HeapFreeBytes() => (long)mallinfo2().FreeBytes;

#pragma warning disable SYSLIB1054 // blittable struct return, no marshalling
    [DllImport("libc.so.6", ExactSpelling = true)]
    private static extern MallInfo2 mallinfo2();
#pragma warning restore SYSLIB1054

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct MallInfo2
    {
        private readonly nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks;
        public readonly nuint FreeBytes; // fordblks
        private readonly nuint keepcost;
    }
}
