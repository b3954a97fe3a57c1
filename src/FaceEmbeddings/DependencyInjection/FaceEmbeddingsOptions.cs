using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Recognition;
using FaceEmbeddings.Models.Store;

namespace FaceEmbeddings.DependencyInjection;

/// <summary>
/// Settings of the services <c>AddFaceEmbeddings</c> registers, usually bound from the <c>"FaceEmbeddings"</c>
/// configuration section (<see cref="SectionName"/>).
/// </summary>
/// <remarks>
/// Unlike the library's other options types, this one has setters: the options pattern (<c>IOptions&lt;T&gt;</c>)
/// creates it empty and then binds configuration into it and runs <c>Configure</c> callbacks on it. The detection and
/// encoding settings it carries are the library's immutable options records; bind them from configuration or replace
/// them with <c>with</c> expressions.
/// </remarks>
public sealed record FaceEmbeddingsOptions
{
    /// <summary>The configuration section these settings are usually bound from.</summary>
    public const string SectionName = "FaceEmbeddings";

    /// <summary>The model store's folder; null for the default (<c>FACEEMBEDDINGS_HOME</c>, else the user's cache).</summary>
    public string? ModelsPath { get; set; }

    /// <summary>True never downloads: models must already be in <see cref="ModelsPath"/>. Null follows
    /// <c>FACEEMBEDDINGS_OFFLINE</c>.</summary>
    public bool? Offline { get; set; }

    /// <summary>Where both networks run: <c>cpu</c> (default), <c>cuda</c> or <c>cuda:N</c>.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>The encoder to load from the store: <c>vggface2</c> (default) or <c>casia-webface</c> for FaceNet's
    /// InceptionResnetV1 (512-d), or <c>face-api-resnet</c> for face-api's dlib ResNet (<see cref="FaceApiEncoder"/>,
    /// 128-d; the detector then cuts its 150×150 aligned chips, whatever <see cref="Detection"/> sets for size, margin and
    /// alignment). With <see cref="EncoderCheckpoint"/> set it still says which network the file holds.</summary>
    public string EncoderModel { get; set; } = ModelCatalog.VggFace2;

    /// <summary>A local weights file to load instead of the store's <see cref="EncoderModel"/>: an InceptionResnetV1
    /// checkpoint (<c>.pt</c> or <c>.safetensors</c>) for FaceNet, face-api's TF.js manifest for <c>face-api-resnet</c>;
    /// null uses the store (<see cref="FaceModelSource.Weights"/>).</summary>
    public string? EncoderCheckpoint { get; set; }

    /// <summary>How faces are cut for the encoder: <c>dlib-mean-face</c> (aligned chips) or <c>none</c> (unaligned box
    /// crops); null (the default) takes the encoder's own: aligned for face-api-resnet, unaligned for FaceNet.</summary>
    public string? Alignment { get; set; }

    /// <summary>The encoder these settings choose, as the library decides it for every front end.</summary>
    public FaceModelSource ModelSource => new() { Model = EncoderModel, Weights = EncoderCheckpoint, Alignment = Alignment, Device = Device };

    /// <summary>When the detector and the encoder load (default <see cref="ModelLoading.Lazy"/>).</summary>
    public ModelLoading Loading { get; set; } = ModelLoading.Lazy;

    /// <summary>The detector's settings; its <see cref="MtcnnOptions.Device"/> is replaced by <see cref="Device"/>. Unlike a
    /// bare <see cref="MtcnnOptions"/>, a photo's face is by default the largest confident one
    /// (<see cref="FaceSelection.LargestConfident"/>), as on the command line.</summary>
    public MtcnnOptions Detection { get; set; } = new() { Selection = FaceSelection.LargestConfident };

    /// <summary>The encoder's settings; its <see cref="FaceNetEncoderOptions.Device"/> is replaced by <see cref="Device"/>.</summary>
    public FaceNetEncoderOptions Encoding { get; set; } = new();
}
