using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Tests.Infrastructure;

namespace FaceEmbeddings.Benchmarks;

/// <summary>Models and images the benchmarks share, built from the shared fixtures.</summary>
internal static class BenchmarkInputs
{
    /// <summary>The fixture encoder checkpoint: random weights, the architecture (and cost) of VGGFace2's.</summary>
    public const string EncoderCheckpoint = "fixtures/inception_resnet_v1/irv1-random-fp16.pt";

    public static MtcnnFaceDetector CreateDetector(MtcnnOptions? options = null) =>
        MtcnnFaceDetector.FromFiles(
            SharedData.PathOf("models/mtcnn/pnet.pt"),
            SharedData.PathOf("models/mtcnn/rnet.pt"),
            SharedData.PathOf("models/mtcnn/onet.pt"),
            options);

    /// <summary>face-api's face-recognition weights (the TF.js manifest; its shard lies beside it).</summary>
    public static string FaceApiManifest => SharedData.PathOf("models/face-api/face_recognition_model-weights_manifest.json");

    public static FaceNetEncoder CreateEncoder(FaceNetEncoderOptions? options = null) =>
        FaceNetEncoder.FromFile(SharedData.PathOf(EncoderCheckpoint), options);

    public static FaceApiEncoder CreateFaceApiEncoder(FaceApiEncoderOptions? options = null) => FaceApiEncoder.FromFile(FaceApiManifest, options);

    public static FaceImage LoadImage(string name) => FaceImage.Load(SharedData.PathOf($"fixtures/images/{name}"));
}
