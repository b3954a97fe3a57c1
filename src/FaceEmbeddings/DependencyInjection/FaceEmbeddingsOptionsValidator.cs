using FaceEmbeddings.Recognition;
using Microsoft.Extensions.Options;

namespace FaceEmbeddings.DependencyInjection;

/// <summary>Checks <see cref="FaceEmbeddingsOptions"/> when they are first read (at host start with
/// <c>ValidateOnStart</c>), so that a wrong setting stops the start with a message naming it.</summary>
internal sealed class FaceEmbeddingsOptionsValidator : IValidateOptions<FaceEmbeddingsOptions>
{
    public ValidateOptionsResult Validate(string? name, FaceEmbeddingsOptions options)
    {
        var failures = new List<string>();
        foreach (FaceModelSourceException problem in options.ModelSource.Problems())
            failures.Add(Describe(problem));
        if (!Enum.IsDefined(options.Loading))
            failures.Add($"{FaceEmbeddingsOptions.SectionName}:{nameof(options.Loading)} must be Lazy or AtStartup; got '{options.Loading}'.");
        if (options.Detection is null)
            failures.Add($"{FaceEmbeddingsOptions.SectionName}:{nameof(options.Detection)} must not be null.");
        else
            Collect(failures, nameof(options.Detection), options.Detection.Validate);
        if (options.Encoding is null)
            failures.Add($"{FaceEmbeddingsOptions.SectionName}:{nameof(options.Encoding)} must not be null.");
        else if (options.Encoding.MaxBatchSize < 1)
            failures.Add($"{FaceEmbeddingsOptions.SectionName}:{nameof(options.Encoding)}:{nameof(options.Encoding.MaxBatchSize)} must be at least 1; got {options.Encoding.MaxBatchSize}.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The configuration key of a <see cref="FaceModelSource"/> setting.</summary>
    /// <summary>The failure for <paramref name="problem"/>, under the configuration key at fault.</summary>
    internal static string Describe(FaceModelSourceException problem) =>
        $"{FaceEmbeddingsOptions.SectionName}:{SettingName(problem.Setting)}: {problem.Message}";

    private static string SettingName(FaceModelSetting setting) => setting switch
    {
        FaceModelSetting.Model => nameof(FaceEmbeddingsOptions.EncoderModel),
        FaceModelSetting.Weights => nameof(FaceEmbeddingsOptions.EncoderCheckpoint),
        FaceModelSetting.Alignment => nameof(FaceEmbeddingsOptions.Alignment),
        FaceModelSetting.Device => nameof(FaceEmbeddingsOptions.Device),
        _ => throw new ArgumentOutOfRangeException(nameof(setting), setting, "Unknown setting."),
    };

    private static void Collect(List<string> failures, string section, Action validate)
    {
        try
        {
            validate();
        }
        catch (ArgumentException invalid)
        {
            failures.Add($"{FaceEmbeddingsOptions.SectionName}:{section}: {invalid.Message}");
        }
    }
}
