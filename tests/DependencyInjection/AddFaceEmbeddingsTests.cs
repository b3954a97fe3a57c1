using FaceEmbeddings.Datasets;
using FaceEmbeddings.DependencyInjection;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Models.Store;
using FaceEmbeddings.Recognition;
using FaceEmbeddings.Tests.FaceNet;
using FaceEmbeddings.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceEmbeddings.Tests.DependencyInjection;

/// <summary>
/// <c>services.AddFaceEmbeddings()</c> in a container and in a generic host, offline: the shared MTCNN weights and the
/// random-weight InceptionResnetV1 checkpoint (the plumbing, not the model's accuracy, is under test).
/// </summary>
public sealed class AddFaceEmbeddingsTests
{
    private static Dictionary<string, string?> OfflineSettings(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["FaceEmbeddings:ModelsPath"] = SharedData.PathOf("models"),
            ["FaceEmbeddings:Offline"] = "true",
            ["FaceEmbeddings:EncoderCheckpoint"] = SharedData.PathOf(FaceNetReference.CheckpointPath),
        };
        foreach ((string key, string? value) in extra)
            settings[key] = value;
        return settings;
    }

    private static ServiceProvider BuildProvider(Dictionary<string, string?> settings, LogCapture? logs = null)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        if (logs is not null)
            services.AddLogging(logging => logging.AddProvider(logs));
        services.AddFaceEmbeddings().Bind(configuration.GetSection(FaceEmbeddingsOptions.SectionName));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private static IHost BuildHost(Dictionary<string, string?> settings, LogCapture logs)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddProvider(logs);
        builder.Services.AddFaceEmbeddings().BindConfiguration(FaceEmbeddingsOptions.SectionName);
        return builder.Build();
    }

    [Fact]
    public void Settings_bind_from_the_FaceEmbeddings_section_including_the_detector_and_encoder_records()
    {
        using ServiceProvider provider = BuildProvider(OfflineSettings(
            ("FaceEmbeddings:Detection:MinFaceSize", "40"),
            ("FaceEmbeddings:Detection:KeepAll", "true"),
            ("FaceEmbeddings:Encoding:MaxBatchSize", "8"),
            ("FaceEmbeddings:Loading", "AtStartup")));

        FaceEmbeddingsOptions options = provider.GetRequiredService<IOptions<FaceEmbeddingsOptions>>().Value;

        options.ModelsPath.Should().Be(SharedData.PathOf("models"));
        options.Offline.Should().BeTrue();
        options.Loading.Should().Be(ModelLoading.AtStartup);
        options.Detection.MinFaceSize.Should().Be(40);
        options.Detection.KeepAll.Should().BeTrue();
        options.Detection.Factor.Should().Be(new MtcnnOptions().Factor, "settings not in the section keep their defaults");
        options.Detection.Selection.Should().Be(FaceSelection.LargestConfident, "a photo's face is the confident one, as on the command line");
        options.Encoding.MaxBatchSize.Should().Be(8);
        ModelStore store = provider.GetRequiredService<ModelStore>();
        store.Root.Should().Be(SharedData.PathOf("models"));
        store.IsOffline.Should().BeTrue();
    }

    [Fact]
    public void Detector_encoder_and_store_are_singletons_shared_by_their_interfaces_and_scopes()
    {
        using ServiceProvider provider = BuildProvider(OfflineSettings());

        var detector = provider.GetRequiredService<MtcnnFaceDetector>();
        var encoder = provider.GetRequiredService<FaceNetEncoder>();
        provider.GetRequiredService<IFaceDetector>().Should().BeSameAs(detector);
        provider.GetRequiredService<IFaceEncoder>().Should().BeSameAs(encoder);
        using (IServiceScope scope = provider.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<IFaceDetector>().Should().BeSameAs(detector);
            scope.ServiceProvider.GetRequiredService<IFaceEncoder>().Should().BeSameAs(encoder);
            scope.ServiceProvider.GetRequiredService<ModelStore>().Should().BeSameAs(provider.GetRequiredService<ModelStore>());
        }

        // The container's models work: the six faces of multiface.png, embedded as unit vectors.
        using var image = FaceImage.Load(SharedData.PathOf("fixtures/images/multiface.png"));
        detector.Detect(image).Should().HaveCount(6);
        using FaceCrop crop = detector.Extract(image, detector.Detect(image)[0]);
        using TorchSharp.torch.Tensor embedding = encoder.Embed(crop);
        embedding.shape.Should().Equal(512);
        embedding.norm().item<float>().Should().BeApproximately(1f, 1e-4f);
    }

    [Fact]
    public async Task The_gallery_is_one_in_memory_gallery_for_the_encoders_embeddings()
    {
        using ServiceProvider provider = BuildProvider(OfflineSettings());

        IFaceGallery gallery = provider.GetRequiredService<IFaceGallery>();

        gallery.Should().BeOfType<InMemoryFaceGallery>();
        using (IServiceScope scope = provider.CreateScope())
            scope.ServiceProvider.GetRequiredService<IFaceGallery>().Should().BeSameAs(gallery);
        gallery.Descriptor.Should().Be(new GalleryDescriptor("irv1-random-fp16", 512));
        var encoder = provider.GetRequiredService<IFaceEncoder>();
        var detector = provider.GetRequiredService<IFaceDetector>();
        using var image = FaceImage.Load(SharedData.PathOf("fixtures/images/paul_rudd.png"));
        using FaceCropBatch crops = detector.DetectAndExtract(image);
        using var embedding = encoder.Embed(crops.Single());
        await gallery.EnrollAsync("paul", embedding);
        (await gallery.SearchAsync(embedding)).Single().Best!.Identity.Should().Be("paul");
    }

    [Fact]
    public async Task EncoderModel_face_api_resnet_brings_its_encoder_its_crops_and_a_gallery_of_its_descriptors()
    {
        Dictionary<string, string?> settings = OfflineSettings(("FaceEmbeddings:EncoderModel", ModelCatalog.FaceApiResNetManifest));
        settings.Remove("FaceEmbeddings:EncoderCheckpoint");
        using ServiceProvider provider = BuildProvider(settings);

        var encoder = provider.GetRequiredService<IFaceEncoder>();
        encoder.Should().BeOfType<FaceApiEncoder>().And.BeSameAs(provider.GetRequiredService<FaceApiEncoder>());
        FluentActions.Invoking(() => provider.GetRequiredService<FaceNetEncoder>()).Should().Throw<InvalidOperationException>()
            .WithMessage("*EncoderModel 'face-api-resnet'*FaceApiEncoder, not a FaceNetEncoder*resolve IFaceEncoder*");
        var detector = provider.GetRequiredService<MtcnnFaceDetector>();
        detector.Options.Geometry.Should().Be(encoder.Input.Crop);
        detector.Options.Alignment.Should().Be(FaceAlignment.DlibMeanFace, "face-api's network was trained on dlib's aligned chips");
        IFaceDetector faces = provider.GetRequiredService<IFaceDetector>();
        IFaceGallery gallery = provider.GetRequiredService<IFaceGallery>();
        gallery.Descriptor.Should().Be(new GalleryDescriptor(ModelCatalog.FaceApiResNetManifest, 128, Geometry: "dlib-mean-face-150px-pad0.25"));

        // Real weights: Biden's second photo is found as Biden within dlib's 0.6, Obama's is not.
        string people = SharedData.PathOf("data/people");
        using var biden = EmbedLargestFace(faces, encoder, Path.Combine(people, "biden", "biden.jpg"));
        using var biden2 = EmbedLargestFace(faces, encoder, Path.Combine(people, "biden", "biden2.jpg"));
        using var obama = EmbedLargestFace(faces, encoder, Path.Combine(people, "obama", "obama.jpg"));
        await gallery.EnrollAsync("biden", biden);
        var cutOff = new GallerySearchOptions { Threshold = FaceApiEncoder.DefaultMatchThreshold };
        (await gallery.SearchAsync(biden2, cutOff)).Single().Best!.Identity.Should().Be("biden");
        (await gallery.SearchAsync(obama, cutOff)).Single().Best.Should().BeNull("Obama is not in the gallery");
    }

    private static TorchSharp.torch.Tensor EmbedLargestFace(IFaceDetector detector, IFaceEncoder encoder, string path)
    {
        using var image = FaceImage.Load(path);
        using FaceCropBatch crops = detector.DetectAndExtract(image);
        return encoder.Embed(crops.Single());
    }

    [Fact]
    public void A_gallery_registered_before_AddFaceEmbeddings_is_kept()
    {
        var services = new ServiceCollection();
        using var own = new InMemoryFaceGallery(new GalleryDescriptor("own", 512));
        services.AddSingleton<IFaceGallery>(own);
        services.AddFaceEmbeddings();

        using ServiceProvider provider = services.BuildServiceProvider();

        provider.GetRequiredService<IFaceGallery>().Should().BeSameAs(own);
    }

    [Fact]
    public async Task Disposing_the_container_frees_the_models_and_the_gallery()
    {
        ServiceProvider provider = BuildProvider(OfflineSettings());
        var detector = provider.GetRequiredService<IFaceDetector>();
        var encoder = provider.GetRequiredService<IFaceEncoder>();
        var gallery = provider.GetRequiredService<IFaceGallery>();
        using var image = FaceImage.Load(SharedData.PathOf("fixtures/images/paul_rudd.png"));

        provider.Dispose();

        await gallery.Invoking(g => g.CountAsync()).Should().ThrowAsync<ObjectDisposedException>();
        detector.Invoking(d => d.Detect(image)).Should().Throw<ObjectDisposedException>();
        using var faces = TorchSharp.torch.zeros(1, 3, 160, 160);
        encoder.Invoking(e => e.Embed(faces)).Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void Without_a_logger_factory_the_services_resolve_and_log_nothing()
    {
        // No AddLogging: ILoggerFactory is absent, and the library must not need it.
        using ServiceProvider provider = BuildProvider(OfflineSettings());
        provider.GetService<ILoggerFactory>().Should().BeNull();
        provider.GetRequiredService<IFaceDetector>().Should().NotBeNull();
        provider.GetRequiredService<IFaceEncoder>().Should().NotBeNull();
    }

    [Fact]
    public async Task Invalid_settings_stop_the_host_at_start_with_every_problem_named()
    {
        var logs = new LogCapture();
        using IHost host = BuildHost(OfflineSettings(
            ("FaceEmbeddings:Device", "gpu7"),
            ("FaceEmbeddings:Detection:MinFaceSize", "0"),
            ("FaceEmbeddings:EncoderCheckpoint", "/nowhere/irv1.pt")), logs);

        var start = async () => await host.StartAsync();

        var failure = (await start.Should().ThrowAsync<OptionsValidationException>()).Which;
        failure.Failures.Should().HaveCount(3);
        failure.Message.Should().Contain("FaceEmbeddings:Device").And.Contain("gpu7")
            .And.Contain("FaceEmbeddings:Detection").And.Contain("MinFaceSize")
            .And.Contain("FaceEmbeddings:EncoderCheckpoint").And.Contain("/nowhere/irv1.pt");
        logs.Entries.Should().NotContain(entry => entry.Category.StartsWith("FaceEmbeddings", StringComparison.Ordinal),
            "nothing was loaded");
    }

    [Fact]
    public async Task A_FaceNet_checkpoint_as_face_apis_weights_is_refused_at_start_naming_both_settings()
    {
        using IHost host = BuildHost(OfflineSettings(("FaceEmbeddings:EncoderModel", ModelCatalog.FaceApiResNetManifest)), new LogCapture());

        var failure = (await FluentActions.Awaiting(() => host.StartAsync()).Should().ThrowAsync<OptionsValidationException>()).Which;

        failure.Failures.Should().ContainSingle().Which.Should().Match("FaceEmbeddings:EncoderCheckpoint*'face-api-resnet'*TF.js manifest*.pt' is not one.");
    }

    [Fact]
    public async Task AtStartup_loads_both_models_while_the_host_starts_and_Lazy_on_first_use()
    {
        var eager = new LogCapture();
        using (IHost host = BuildHost(OfflineSettings(("FaceEmbeddings:Loading", "AtStartup")), eager))
        {
            await host.StartAsync();
            eager.Entries.Select(entry => entry.EventId.Id).Should().Contain([101, 102], "both models loaded during StartAsync");
            await host.StopAsync();
        }

        var lazy = new LogCapture();
        using (IHost host = BuildHost(OfflineSettings(("FaceEmbeddings:Loading", "Lazy")), lazy))
        {
            await host.StartAsync();
            lazy.Entries.Select(entry => entry.EventId.Id).Should().NotContain([101, 102], "nothing asked for a model yet");
            host.Services.GetRequiredService<IFaceDetector>();
            lazy.Entries.Where(entry => entry.EventId.Id == 101).Should().ContainSingle()
                .Which.Message.Should().Contain("cpu");
            lazy.Entries.Select(entry => entry.EventId.Id).Should().NotContain(102, "the encoder is still not needed");
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_missing_model_file_offline_fails_the_start_in_AtStartup_mode()
    {
        string emptyStore = Directory.CreateTempSubdirectory("faceembeddings-empty-store-").FullName;
        try
        {
            var logs = new LogCapture();
            using IHost host = BuildHost(OfflineSettings(("FaceEmbeddings:ModelsPath", emptyStore), ("FaceEmbeddings:Loading", "AtStartup")), logs);

            var start = async () => await host.StartAsync();

            (await start.Should().ThrowAsync<ModelUnavailableOfflineException>()).Which.Message.Should().Contain("pnet");
        }
        finally
        {
            Directory.Delete(emptyStore, recursive: true);
        }
    }

    [Fact]
    public async Task A_dataset_logs_each_skipped_image_as_a_warning_with_its_path()
    {
        string folder = Directory.CreateTempSubdirectory("faceembeddings-skips-").FullName;
        try
        {
            File.Copy(SharedData.PathOf("fixtures/images/paul_rudd.png"), Path.Combine(folder, "face.png"));
            File.Copy(SharedData.PathOf("fixtures/images/blank.png"), Path.Combine(folder, "blank.png"));
            await File.WriteAllTextAsync(Path.Combine(folder, "notes.jpg"), "not a JPEG");
            var logs = new LogCapture();
            using ServiceProvider provider = BuildProvider(OfflineSettings(), logs);
            var detector = provider.GetRequiredService<IFaceDetector>();
            var encoder = provider.GetRequiredService<IFaceEncoder>();
            ILogger logger = provider.GetRequiredService<ILogger<FaceDataset>>();

            using FaceEmbeddingSet set = await FaceDataset.FromFolder(folder)
                .EmbedAllAsync(detector, encoder, new FaceDatasetOptions { Logger = logger });

            set.Skipped.Should().HaveCount(2);
            LogEntry[] warnings = logs.Entries.Where(entry => entry.EventId.Id == 201).ToArray();
            warnings.Should().HaveCount(2).And.OnlyContain(entry => entry.Level == LogLevel.Warning);
            warnings.Should().ContainSingle(entry => entry.Message.Contains("notes.jpg") && entry.Message.Contains(nameof(SkipReason.Unreadable)));
            warnings.Should().ContainSingle(entry => entry.Message.Contains("blank.png") && entry.Message.Contains(nameof(SkipReason.NoFace)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
