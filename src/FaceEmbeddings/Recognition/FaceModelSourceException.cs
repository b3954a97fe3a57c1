namespace FaceEmbeddings.Recognition;

/// <summary>A <see cref="FaceModelSource"/> setting that names no usable model, file, alignment or device. The setting
/// is <see cref="Setting"/>, not <see cref="ArgumentException.ParamName"/>, whose name would be the library's and not the
/// front end's.</summary>
public sealed class FaceModelSourceException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="setting">The setting at fault.</param>
    /// <param name="message">What is wrong with it, as a sentence that does not name the setting's front-end name.</param>
    public FaceModelSourceException(FaceModelSetting setting, string message)
        : base(message)
    {
        Setting = setting;
    }

    /// <summary>The setting at fault.</summary>
    public FaceModelSetting Setting { get; }
}
