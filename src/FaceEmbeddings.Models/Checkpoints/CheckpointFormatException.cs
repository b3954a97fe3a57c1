namespace FaceEmbeddings.Models.Checkpoints;

/// <summary>
/// Thrown when a weight file is not a well-formed checkpoint of a supported kind, or when it asks for
/// something a weights-only reader refuses (for example a pickle that refers to <c>os.system</c>).
/// The message names the file and what was expected.
/// </summary>
public class CheckpointFormatException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public CheckpointFormatException()
        : base("The checkpoint is malformed or refused.")
    {
    }

    /// <summary>Creates the exception with a message that names the file and the problem.</summary>
    /// <param name="message">What was wrong, including the file it was found in.</param>
    public CheckpointFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the lower-level error that revealed the problem.</summary>
    /// <param name="message">What was wrong, including the file it was found in.</param>
    /// <param name="innerException">The error raised by the component that found the problem.</param>
    public CheckpointFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
