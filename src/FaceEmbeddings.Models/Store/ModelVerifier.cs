using Microsoft.Extensions.Logging;

namespace FaceEmbeddings.Models.Store;

/// <summary>
/// Decides whether a file is a model: its length and trusted SHA-256 when the catalogue knows them; otherwise the hash
/// recorded beside it on first use, or (when there is no record yet) the model's structure validator.
/// </summary>
internal sealed class ModelVerifier(Func<string, bool>? defaultValidator, ILogger logger)
{
    /// <summary>Inspects the copy at <paramref name="path"/>, recording its hash when a structure check admits it.</summary>
    /// <exception cref="ModelVerificationException">The model has no trusted hash, no record and no validator.</exception>
    public async Task<CachedFileState> InspectAsync(ModelInfo model, string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
            return CachedFileState.Missing;

        long length = new FileInfo(path).Length;
        if (model.SizeInBytes is long expectedLength && length != expectedLength)
            return CachedFileState.Invalid($"it is {length} bytes long, not {expectedLength}");

        string? trustedHash = model.Sha256 ?? HashRecord.TryRead(path);
        if (trustedHash is not null)
        {
            string actualHash = await HashRecord.ComputeAsync(path, cancellationToken).ConfigureAwait(false);
            if (actualHash == trustedHash)
                return CachedFileState.Valid;
            string source = model.Sha256 is null ? $"recorded in '{HashRecord.PathFor(path)}'" : "expected";
            return CachedFileState.Invalid($"its SHA-256 is {actualHash}, not the {trustedHash} {source}");
        }

        // No trusted hash and no record yet, e.g. a copy the user placed there by hand: vet it once, then pin its hash.
        string? structureProblem = CheckStructure(model, path, out _);
        if (structureProblem is not null)
            return CachedFileState.Invalid(structureProblem);
        RecordHash(model, path, await HashRecord.ComputeAsync(path, cancellationToken).ConfigureAwait(false));
        return CachedFileState.Valid;
    }

    /// <summary>Throws when a download of <paramref name="model"/> could never be verified.</summary>
    /// <exception cref="ModelVerificationException">No trusted hash and no structure validator.</exception>
    public void EnsureVerifiable(ModelInfo model, string path)
    {
        if (model.Sha256 is null && ValidatorFor(model) is null)
            throw NotVerifiable(model, path);
    }

    /// <summary>Checks a complete download held at <paramref name="temporaryPath"/> before it may take the model's place.</summary>
    /// <exception cref="ModelVerificationException">The download is not the model.</exception>
    public void VerifyDownload(ModelInfo model, string modelPath, string temporaryPath, long length, string sha256)
    {
        string prefix = $"The download of model '{model.Name}' from {model.DownloadUri} (for '{modelPath}')";
        if (model.SizeInBytes is long expectedLength && length != expectedLength)
            throw new ModelVerificationException($"{prefix} is {length} bytes long, not {expectedLength}; it was discarded.", model, modelPath);
        if (model.Sha256 is not null && sha256 != model.Sha256)
            throw new ModelVerificationException($"{prefix} has SHA-256 {sha256}, not the expected {model.Sha256}; it was discarded.", model, modelPath);
        if (model.Sha256 is null && CheckStructure(model, temporaryPath, out Exception? failure) is string problem)
            throw new ModelVerificationException($"{prefix} was discarded: {problem}.", model, modelPath, failure);
    }

    /// <summary>Pins the hash of an admitted copy of a model without a trusted hash; a failure only costs a re-check later.</summary>
    public void RecordHash(ModelInfo model, string path, string sha256)
    {
        try
        {
            HashRecord.Write(path, sha256);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ModelStoreLog.HashNotRecorded(logger, ex, model.Name, path);
        }
    }

    private Func<string, bool>? ValidatorFor(ModelInfo model) => model.StructureValidator ?? defaultValidator;

    private static ModelVerificationException NotVerifiable(ModelInfo model, string path) => new(
        $"Model '{model.Name}' ({model.DownloadUri}) has no trusted SHA-256 and no structure validator, so a copy at '{path}' " +
        "cannot be verified: give its catalogue entry a Sha256 or a StructureValidator, or set ModelStoreOptions.StructureValidator.",
        model, path);

    private string? CheckStructure(ModelInfo model, string path, out Exception? failure)
    {
        failure = null;
        Func<string, bool> validator = ValidatorFor(model) ?? throw NotVerifiable(model, path);
        try
        {
            return validator(path) ? null : "its structure check failed";
        }
        catch (Exception ex)
        {
            // A validator may signal a malformed file with any exception; each one means "reject".
            failure = ex;
            return $"its structure check failed: {ex.Message}";
        }
    }
}

/// <summary>What a store found where a model belongs.</summary>
/// <param name="Exists">Whether a file is there.</param>
/// <param name="Problem">Why that file is not the model, or <c>null</c> when it is.</param>
internal readonly record struct CachedFileState(bool Exists, string? Problem)
{
    public static CachedFileState Missing => new(false, null);

    public static CachedFileState Valid => new(true, null);

    public bool IsValid => Exists && Problem is null;

    public static CachedFileState Invalid(string problem) => new(true, problem);
}
