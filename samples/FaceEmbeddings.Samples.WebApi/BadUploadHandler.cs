using Microsoft.AspNetCore.Diagnostics;

namespace FaceEmbeddings.Samples.WebApi;

/// <summary>Answers a <see cref="BadUploadException"/> with 400 and a problem-details body naming the field.</summary>
internal sealed class BadUploadHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadUploadException bad) return false;
        httpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "Unusable photo",
                Detail = bad.Message,
                Extensions = { ["field"] = bad.Field },
            },
        }).ConfigureAwait(false);
    }
}
