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
    private readonly Argument<string> _input = new("input")
    {
        Description = "Folder of images, or a glob in quotes such as 'faces/*/*.jpg' (* within a name, ** for any depth).",
        HelpName = "dir",
    };

    private readonly Option<LabelScheme> _labels;
    private readonly int _schemeCount;

    /// <param name="defaultScheme">The scheme when <c>--labels</c> is not given.</param>
    /// <param name="schemes">The schemes the command accepts; with only one, there is no <c>--labels</c> option.</param>
    public InputOptions(LabelScheme defaultScheme, params LabelScheme[] schemes)
    {
        _schemeCount = schemes.Length;
        _labels = new Option<LabelScheme>("--labels")
        {
            Description = "How images are labelled: " + string.Join(", ", schemes.Select(Describe)) + ".",
            HelpName = string.Join('|', schemes.Select(NameOf)),
            DefaultValueFactory = _ => defaultScheme,
            CustomParser = result =>
            {
                string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                foreach (LabelScheme scheme in schemes)
                {
                    if (string.Equals(text, NameOf(scheme), StringComparison.OrdinalIgnoreCase))
                        return scheme;
                }
                result.AddError($"--labels must be {string.Join(", ", schemes.Select(NameOf))}; got '{text}'.");
                return defaultScheme;
            },
        };
    }

    public Option<LabelScheme> Labels => _labels;

    public void AddTo(Command command)
    {
        command.Add(_input);
        if (_schemeCount > 1)
            command.Add(_labels);
    }

    /// <summary>The dataset the command line names. Fails when it holds no images at all.</summary>
    public FaceDataset Open(ParseResult parsed)
    {
        string input = parsed.GetRequiredValue(_input);
        bool isGlob = input.Contains('*', StringComparison.Ordinal);
        FaceDataset dataset = parsed.GetValue(_labels) switch
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
