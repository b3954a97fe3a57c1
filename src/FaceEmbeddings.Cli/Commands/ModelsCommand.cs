using System.CommandLine;
using System.Globalization;
using FaceEmbeddings.Models.Store;
using Spectre.Console;

namespace FaceEmbeddings.Cli.Commands;

/// <summary><c>faceembed models list</c> and <c>faceembed models fetch &lt;name&gt;</c>: the model store.</summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var list = new Command("list", "List the known models, whether the store has each, and where.");
        var listStore = new StoreOptions();
        listStore.AddTo(list);
        CommandAction.Set(list, (parsed, _) =>
        {
            ModelStore store = listStore.Open(parsed);
            WriteList(store);
            return Task.CompletedTask;
        });

        var name = new Argument<string>("name") { Description = "A model name from 'faceembed models list' (e.g. vggface2, mtcnn-pnet)." };
        var fetch = new Command("fetch", "Download a model into the store (verified by its SHA-256) unless it is already there.") { name };
        var fetchStore = new StoreOptions();
        fetchStore.AddTo(fetch);
        CommandAction.Set(fetch, async (parsed, cancellationToken) =>
        {
            ModelStore store = fetchStore.Open(parsed);
            string model = parsed.GetRequiredValue(name);
            if (!store.Models.Any(known => string.Equals(known.Name, model, StringComparison.OrdinalIgnoreCase)))
                throw new UsageException($"Unknown model '{model}'; the known models are {string.Join(", ", store.Models.Select(known => known.Name))}.");
            string path = await ModelFetch.GetAsync(store, model, cancellationToken).ConfigureAwait(false);
            Terminal.Result(path);
        });

        return new Command("models", "Manage the model store (MTCNN, FaceNet and face-api weights).") { list, fetch };
    }

    private static void WriteList(ModelStore store)
    {
        Terminal.Info($"Model store: {store.Root}{(store.IsOffline ? " (offline)" : "")}");
        var table = new Table().AddColumns("Name", "Status", "Size", "Path");
        foreach (ModelInfo model in store.Models)
        {
            var file = new FileInfo(store.GetLocalPath(model.Name));
            string status = file.Exists ? "present" : "not downloaded";
            long? size = file.Exists ? file.Length : model.SizeInBytes;
            table.AddRow(
                Markup.Escape(model.Name),
                status,
                size is { } bytes ? FormatSize(bytes) : "?",
                Markup.Escape(file.FullName));
        }
        Terminal.Out.Write(table);
    }

    private static string FormatSize(long bytes) => bytes switch
    {
        >= 1 << 20 => (bytes / (double)(1 << 20)).ToString("0.0 MiB", CultureInfo.InvariantCulture),
        >= 1 << 10 => (bytes / (double)(1 << 10)).ToString("0.0 KiB", CultureInfo.InvariantCulture),
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };
}
