using FaceEmbeddings.Imaging;

namespace FaceEmbeddings.Cli;

/// <summary>Images named on the command line, of which some may be unreadable without failing the others.</summary>
internal static class ImageArguments
{
    /// <summary>The decoded image, or null after a warning naming the file when it cannot be read or decoded.</summary>
    public static FaceImage? TryLoad(FileInfo file)
    {
        try
        {
            return FaceImage.Load(file.FullName);
        }
        catch (Exception exception) when (exception is ImageDecodeException or IOException or UnauthorizedAccessException)
        {
            Terminal.Warning(exception.Message);
            return null;
        }
    }
}
