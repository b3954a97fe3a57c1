using FaceEmbeddings.Cli;
using FaceEmbeddings.Runtime;

// A command-line run is one batch job: keeping freed native memory for reuse saves a page fault per 4 KiB of every
// intermediate tensor, and the memory goes back to the system when the process exits.
NativeHeap.RetainFreedMemory();
return await FaceEmbedApp.RunAsync(args);
