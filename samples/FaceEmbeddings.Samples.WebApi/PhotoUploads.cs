using FaceEmbeddings.Detection;
using FaceEmbeddings.Imaging;
using Microsoft.Extensions.Options;

namespace FaceEmbeddings.Samples.WebApi;

/// <summary>Reads photos from multipart form fields and cuts out their face.</summary>
internal sealed class PhotoUploads(IFaceDetector detector, IOptions<SampleOptions> options)
{
    /// <summary>The face of the photo in form field <paramref name="field"/>, as a crop for the encoder.</summary>
    /// <exception cref="BadUploadException">No such field, too large, not an image, or no face.</exception>
    public async Task<FaceCropBatch> ReadFaceAsync(HttpRequest request, string field, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
            throw new BadUploadException(field, $"send the photo as multipart/form-data in the field '{field}'.");
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException tooLarge)
        {
            // The form reader's limits (FormOptions): the body is larger than the photos may be.
            throw new BadUploadException(field, $"the upload is too large ({tooLarge.Message}); each photo may have at most {options.Value.MaxUploadBytes} bytes.");
        }
        IFormFile file = form.Files.GetFile(field)
            ?? throw new BadUploadException(field, $"no file in the form field '{field}'.");
        if (file.Length == 0)
            throw new BadUploadException(field, "the file is empty.");
        if (file.Length > options.Value.MaxUploadBytes)
            throw new BadUploadException(field, $"the file has {file.Length} bytes; at most {options.Value.MaxUploadBytes} are accepted.");

        FaceImage image;
        await using (Stream stream = file.OpenReadStream())
        {
            try
            {
                image = FaceImage.Load(stream);
            }
            catch (ImageDecodeException notAnImage)
            {
                throw new BadUploadException(field, $"not an image this service can read ({notAnImage.Message}).");
            }
        }
        using (image)
        {
            // The detector selects the photo's face (MtcnnOptions.Selection: by default the largest confident one) and returns it alone.
            FaceCropBatch crops = detector.DetectAndExtract(image);
            if (crops.Count > 0) return crops;
            crops.Dispose();
            throw new BadUploadException(field, "no face was found in the photo.");
        }
    }
}
