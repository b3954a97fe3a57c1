using FaceEmbeddings.Detection;
using Microsoft.Extensions.Options;
using TorchSharp;

namespace FaceEmbeddings.DependencyInjection;

/// <summary>Checks <see cref="FaceEmbeddingsOptions"/> when they are first read (at host start with
/// <c>ValidateOnStart</c>), so that a wrong setting stops the start with a message naming it.</summary>
internal sealed class FaceEmbeddingsOptionsValidator : IValidateOptions<FaceEmbeddingsOptions>
{
    public ValidateOptionsResult Validate(string? name, FaceEmbeddingsOptions options)
    {
        var failures = new List<string>();
        if (!TryParseDevice(options.Device, out _))
            failures.Add($"{FaceEmbeddingsOptions.SectionName}:{nameof(options.Device)} must be cpu, cuda or cuda:N; got '{options.Device}'.");
        if (options.Alignment is not null && !FaceAlignment.TryParse(options.Alignment, out _))
            failures.Add($"{FaceEmbeddingsOptions.SectionName}:{nameof(options.Alignment)} must be {FaceAlignment.DlibMeanFace.Name} or {FaceAlignment.NoneName}; got '{options.Alignment}'.");
        if (options.EncoderCheckpoint is null && string.IsNullOrWhiteSpace(options.EncoderModel))
            failures.Add($"{FaceEmbeddingsOptions.SectionName}:{nameof(options.EncoderModel)} must name a model of the store when no {nameof(options.EncoderCheckpoint)} is set.");
        if (options.EncoderCheckpoint is not null && options.UsesFaceApiEncoder)
            failures.Add($"{FaceEmbeddingsOptions.SectionName}:{nameof(options.EncoderCheckpoint)} is an InceptionResnetV1 checkpoint; it does not apply to {nameof(options.EncoderModel)} '{options.EncoderModel}' (remove one of the two).");
        if (options.EncoderCheckpoint is { } checkpoint && !File.Exists(checkpoint))
            failures.Add($"{FaceEmbeddingsOptions.SectionName}:{nameof(options.EncoderCheckpoint)}: there is no file at '{checkpoint}'.");
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

    /// <summary>The device the settings name, parsed by TorchSharp (<c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>).</summary>
    internal static bool TryParseDevice(string? text, out torch.Device? device)
    {
        device = null;
        if (string.IsNullOrWhiteSpace(text)) return false;
        try
        {
            device = new torch.Device(text.Trim().ToLowerInvariant());
        }
        catch (ArgumentException)
        {
            return false;
        }
        return device.type is DeviceType.CPU or DeviceType.CUDA;
    }

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
