namespace FaceEmbeddings.Models.Checkpoints;

/// <summary>
/// A weight file (PyTorch checkpoint or safetensors) is malformed, truncated, of an unsupported kind,
/// or asks for something a safe reader refuses (such as a Python global outside the allow-list).
/// </summary>
public sealed class CheckpointFormatException : Exception
{
    /// <summary>Creates the exception with a message that names the file and what was wrong.</summary>
    public CheckpointFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public CheckpointFormatException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with no message (prefer the overloads that explain the problem).</summary>
    public CheckpointFormatException() : base("The weight file is not in a supported format.") { }
}
