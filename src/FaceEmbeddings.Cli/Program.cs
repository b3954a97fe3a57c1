using FaceEmbeddings.Cli;

// Freed native memory is kept for reuse from the moment the first detector is created (MtcnnOptions.RetainFreedNativeMemory),
// which the commands do after loading the encoder: kept from start-up instead, the memory that loading the weights frees
// stayed resident and raised the main job's peak memory.
return await FaceEmbedApp.RunAsync(args);
