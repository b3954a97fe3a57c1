using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FaceEmbeddings.DependencyInjection;

/// <summary>Loads the models while the host starts when <see cref="FaceEmbeddingsOptions.Loading"/> is
/// <see cref="ModelLoading.AtStartup"/>; a failure to load stops the start.</summary>
internal sealed class FaceModelsWarmUp(IServiceProvider services, IOptions<FaceEmbeddingsOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Loading != ModelLoading.AtStartup) return;
        await services.GetRequiredService<FaceModels>().LoadAsync(cancellationToken).ConfigureAwait(false);
        // Resolve the registrations now that the loads are done, so that the container owns (and disposes) the models.
        _ = services.GetRequiredService<Detection.MtcnnFaceDetector>();
        _ = services.GetRequiredService<Encoding.IFaceEncoder>();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
