using System.CommandLine;
using FaceEmbeddings.Models.Checkpoints;

namespace FaceEmbeddings.Cli.Commands;

/// <summary><c>faceembed convert &lt;in.pt&gt; &lt;out.safetensors&gt;</c>: rewrites a PyTorch checkpoint as safetensors.</summary>
internal static class ConvertCommand
{
    public static Command Create()
    {
        var input = new Argument<FileInfo>("in.pt") { Description = "PyTorch checkpoint (legacy or zip serialization) holding a state dict." };
        var output = new Argument<FileInfo>("out.safetensors") { Description = "The safetensors file to write (replaced if it exists)." };
        var command = new Command("convert", "Convert a PyTorch .pt state dict to .safetensors, reading it without running any pickled code.")
        {
            input,
            output,
        };
        CommandAction.Set(command, (parsed, _) =>
        {
            FileInfo source = parsed.GetRequiredValue(input);
            FileInfo target = parsed.GetRequiredValue(output);
            if (!source.Exists)
                throw new FileNotFoundException($"The checkpoint '{source.FullName}' does not exist.", source.FullName);
            if (string.Equals(source.FullName, target.FullName, StringComparison.Ordinal))
                throw new UsageException("The output must be a different file from the input.");

            using StateDictionary tensors = TorchCheckpoint.Load(source.FullName);
            SafeTensors.Save(target.FullName, tensors, new Dictionary<string, string>
            {
                ["format"] = "pt",
                ["source"] = source.Name,
            });
            Terminal.Result($"Wrote {tensors.Count} tensors to {target.FullName}");
            return Task.CompletedTask;
        });
        return command;
    }
}
