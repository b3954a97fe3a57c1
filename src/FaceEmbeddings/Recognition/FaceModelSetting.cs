namespace FaceEmbeddings.Recognition;

/// <summary>A setting of a <see cref="FaceModelSource"/>, named by <see cref="FaceModelSourceException.Setting"/> so
/// that each front end can report it under its own name (a command-line option, a configuration key).</summary>
public enum FaceModelSetting
{
    /// <summary><see cref="FaceModelSource.Model"/>.</summary>
    Model,

    /// <summary><see cref="FaceModelSource.Weights"/>.</summary>
    Weights,

    /// <summary><see cref="FaceModelSource.Alignment"/>.</summary>
    Alignment,

    /// <summary><see cref="FaceModelSource.Device"/>.</summary>
    Device,
}
