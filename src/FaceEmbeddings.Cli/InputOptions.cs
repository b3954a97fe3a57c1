using System.CommandLine;
using FaceEmbeddings.Datasets;

namespace FaceEmbeddings.Cli;

/// <summary>How a command's images are labelled (<c>--labels</c>).</summary>
internal enum LabelScheme
{
    /// <summary>No labels: every image in the folder (and its subfolders).</summary>
    None,

    /// <summary>One subfolder per label (an ImageFolder layout); a glob labels each file with its folder's name.</summary>
    Folders,

    /// <summary>UTKFace file names: age, gender, race.</summary>
    UtkFace,
}

/// <summary>The input of a dataset command: a folder or glob, and <c>--labels</c>.</summary>
internal sealed class InputOptions
{
    private readonly Argument<string> input = new("input")
    {
        Description = "Folder of images, or a glob in quotes such as 'faces/*/*.jpg' (* within a name, ** for any depth).",
        HelpName = "dir",
    };

    private readonly Option<string> labels;
    private readonly int schemeCount;
    private readonly LabelScheme defaultScheme;

    /// <param name="defaultScheme">The scheme when <c>--labels</c> is not given.</param>
    /// <param name="schemes">The schemes the command accepts; with only one, there is no <c>--labels</c> option.</param>
    public InputOptions(LabelScheme defaultScheme, params LabelScheme[] schemes)
    {
        schemeCount = schemes.Length;
        this.defaultScheme = defaultScheme;
        labels = new Option<string>("--labels")
        {
            Description = "How images are labelled: " + string.Join(", ", schemes.Select(Describe)) + ".",
            DefaultValueFactory = _ => NameOf(defaultScheme),
        };
        labels.AcceptOnlyFromAmong(schemes.Select(NameOf).ToArray());
    }

    /// <summary>Lets the command run without the input, when another option replaces it; see <see cref="HasInput"/>.</summary>
    public void MakeOptional() => input.Arity = ArgumentArity.ZeroOrOne;

    /// <summary>Whether the command line names an input.</summary>
    public bool HasInput(ParseResult parsed) => parsed.GetValue(input) is not null;

    /// <summary>The <c>--labels</c> scheme the command line names.</summary>
    public LabelScheme SchemeOf(ParseResult parsed) =>
        schemeCount > 1 ? Enum.Parse<LabelScheme>(parsed.GetRequiredValue(labels), ignoreCase: true) : defaultScheme;

    public void AddTo(Command command)
    {
        command.Add(input);
        if (schemeCount > 1)
            command.Add(labels);
    }

    /// <summary>The dataset the command line names. Fails when it holds no images at all.</summary>
    public FaceDataset Open(ParseResult parsed)
    {
        string input = parsed.GetValue(this.input) ?? throw new UsageException("Give a folder of images (or a glob in quotes).");
        bool isGlob = input.Contains('*', StringComparison.Ordinal);
        FaceDataset dataset = SchemeOf(parsed) switch
        {
            LabelScheme.UtkFace => FaceDataset.FromUtkFace(input),
            LabelScheme.Folders => isGlob ? FaceDataset.FromGlob(input) : FaceDataset.FromImageFolder(input),
            _ => isGlob ? FaceDataset.FromGlob(input) : FaceDataset.FromFolder(input),
        };
        if (dataset.Items.Count == 0)
        {
            string hint = dataset.Rejected.Count > 0 ? $" ({dataset.Rejected.Count} files have no valid labels: {dataset.Rejected[0].Message})" : "";
            throw new FileNotFoundException($"No images to process in '{input}'{hint}.");
        }
        return dataset;
    }

    private static string NameOf(LabelScheme scheme) => scheme.ToString().ToLowerInvariant();

    private static string Describe(LabelScheme scheme) => scheme switch
    {
        LabelScheme.Folders => "folders (one subfolder per label)",
        LabelScheme.UtkFace => "utkface (age, gender, race from AGE_GENDER_RACE_DATE names)",
        _ => "none (all images in the folder)",
    };
}
