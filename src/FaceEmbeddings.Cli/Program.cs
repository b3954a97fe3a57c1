using FaceEmbeddings.Cli;

return await FaceEmbedApp.RunAsync(args);
