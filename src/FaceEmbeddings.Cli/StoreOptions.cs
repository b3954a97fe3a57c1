using System.CommandLine;
using FaceEmbeddings.Models.Store;

namespace FaceEmbeddings.Cli;

/// <summary>The options that locate the model store: <c>--models &lt;dir&gt;</c> and <c>--offline</c>.</summary>
internal sealed class StoreOptions
{
    private readonly Option<DirectoryInfo?> root = new("--models")
    {
        Description = $"Model store folder (default: ${ModelStore.HomeEnvironmentVariable}, else ~/.cache/faceembeddings). "
            + "A folder with mtcnn/pnet.pt, rnet.pt and onet.pt serves MTCNN without downloading; with face-api/face_recognition_model-weights_manifest.json and face_recognition_model.bin, face-api-resnet.",
        HelpName = "dir",
    };

    private readonly Option<bool> offline = new("--offline")
    {
        Description = $"Never download; use only what the store has (also ${ModelStore.OfflineEnvironmentVariable}=1).",
    };

    public void AddTo(Command command)
    {
        command.Add(root);
        command.Add(offline);
    }

    /// <summary>The store the command line names.</summary>
    public ModelStore Open(ParseResult parsed)
    {
        bool offline = parsed.GetValue(this.offline);
        return new ModelStore(parsed.GetValue(root)?.FullName, new ModelStoreOptions { Offline = offline ? true : null });
    }
}
