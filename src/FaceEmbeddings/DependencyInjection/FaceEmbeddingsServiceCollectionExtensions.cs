using FaceEmbeddings.DependencyInjection;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Models.Store;
using FaceEmbeddings.Recognition;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers FaceEmbeddings' services in a <see cref="IServiceCollection"/>.</summary>
public static class FaceEmbeddingsServiceCollectionExtensions
{
    /// <summary>
    /// Registers, as singletons (each is safe to use from many threads at once): the <see cref="ModelStore"/>, the
    /// MTCNN detector (<see cref="MtcnnFaceDetector"/> and <see cref="IFaceDetector"/>), the encoder that
    /// <see cref="FaceEmbeddingsOptions.EncoderModel"/> chooses (<see cref="IFaceEncoder"/>, and <see cref="FaceNetEncoder"/>
    /// or <see cref="FaceApiEncoder"/>: resolving the other type fails naming the setting) and an empty <see cref="InMemoryFaceGallery"/> as
    /// <see cref="IFaceGallery"/> for the encoder's embeddings (a gallery registered before this call is kept, such as
    /// one backed by a database), configured by <see cref="FaceEmbeddingsOptions"/>
    /// and logging through the container's <see cref="ILoggerFactory"/> when there is one. The options are validated
    /// when the host starts; the models load on first use or while the host starts
    /// (<see cref="FaceEmbeddingsOptions.Loading"/>). The container disposes the models.
    /// </summary>
    /// <example>
    /// Bind the settings from the <c>"FaceEmbeddings"</c> configuration section (<c>BindConfiguration</c> is in
    /// Microsoft.Extensions.Options.ConfigurationExtensions, part of ASP.NET Core and the generic host):
    /// <code>builder.Services.AddFaceEmbeddings().BindConfiguration(FaceEmbeddingsOptions.SectionName);</code>
    /// </example>
    /// <param name="services">The collection to add to.</param>
    /// <param name="configure">Sets options in code; runs before any configuration bound through the returned builder.</param>
    /// <returns>The options builder, to bind configuration or add settings and checks.</returns>
    public static OptionsBuilder<FaceEmbeddingsOptions> AddFaceEmbeddings(this IServiceCollection services, Action<FaceEmbeddingsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<FaceEmbeddingsOptions> options = services.AddOptions<FaceEmbeddingsOptions>();
        if (configure is not null)
            options.Configure(configure);
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FaceEmbeddingsOptions>, FaceEmbeddingsOptionsValidator>());

        services.TryAddSingleton(provider =>
        {
            FaceEmbeddingsOptions settings = provider.GetRequiredService<IOptions<FaceEmbeddingsOptions>>().Value;
            return new ModelStore(settings.ModelsPath, new ModelStoreOptions
            {
                Offline = settings.Offline,
                Logger = provider.GetService<ILoggerFactory>()?.CreateLogger<ModelStore>(),
            });
        });
        services.TryAddSingleton<FaceModels>();
        services.TryAddSingleton(provider => provider.GetRequiredService<FaceModels>().Detector);
        services.TryAddSingleton<IFaceDetector>(provider => provider.GetRequiredService<MtcnnFaceDetector>());
        services.TryAddSingleton(provider => provider.GetRequiredService<FaceModels>().Encoder);
        services.TryAddSingleton(provider => provider.GetRequiredService<FaceModels>().EncoderAs<FaceNetEncoder>());
        services.TryAddSingleton(provider => provider.GetRequiredService<FaceModels>().EncoderAs<FaceApiEncoder>());
        services.TryAddSingleton<IFaceGallery>(provider =>
        {
            FaceEmbeddingsOptions settings = provider.GetRequiredService<IOptions<FaceEmbeddingsOptions>>().Value;
            IFaceEncoder encoder = provider.GetRequiredService<IFaceEncoder>();
            return new InMemoryFaceGallery(settings.ModelSource.GalleryDescriptorFor(encoder), new InMemoryFaceGalleryOptions { Device = encoder.Device });
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, FaceModelsWarmUp>());
        return options;
    }
}
