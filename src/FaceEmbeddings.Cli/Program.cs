using FaceEmbeddings.Cli;

NativeLogging.ShowErrorsOnly();
return await FaceEmbedApp.RunAsync(args);
