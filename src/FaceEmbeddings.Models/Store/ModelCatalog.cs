namespace FaceEmbeddings.Models.Store;

/// <summary>
/// The weights every <see cref="ModelStore"/> knows: facenet-pytorch's published files, in PyTorch's legacy
/// serialization, fetched from facenet-pytorch's GitHub repository; and face-api's face-recognition, age/gender and
/// expression networks (TF.js format, MIT licence), fetched from face-api's GitHub repository.
/// </summary>
public static class ModelCatalog
{
    /// <summary>MTCNN proposal network (<c>mtcnn/pnet.pt</c>).</summary>
    public const string MtcnnPNet = "mtcnn-pnet";

    /// <summary>MTCNN refinement network (<c>mtcnn/rnet.pt</c>).</summary>
    public const string MtcnnRNet = "mtcnn-rnet";

    /// <summary>MTCNN output network (<c>mtcnn/onet.pt</c>).</summary>
    public const string MtcnnONet = "mtcnn-onet";

    /// <summary>InceptionResnetV1 trained on VGGFace2 (<c>facenet/20180402-114759-vggface2.pt</c>).</summary>
    public const string VggFace2 = "vggface2";

    /// <summary>InceptionResnetV1 trained on CASIA-WebFace (<c>facenet/20180408-102900-casia-webface.pt</c>).</summary>
    public const string CasiaWebFace = "casia-webface";

    /// <summary>face-api's face-recognition network, its TF.js manifest (<c>face-api/face_recognition_model-weights_manifest.json</c>).</summary>
    public const string FaceApiResNetManifest = "face-api-resnet";

    /// <summary>face-api's face-recognition network, the manifest's one shard (<c>face-api/face_recognition_model.bin</c>).</summary>
    public const string FaceApiResNetWeights = "face-api-resnet-weights";

    /// <summary>face-api's age and gender network, its TF.js manifest (<c>face-api/age_gender_model-weights_manifest.json</c>).</summary>
    public const string FaceApiAgeGenderManifest = "face-api-age-gender";

    /// <summary>face-api's age and gender network, the manifest's one shard (<c>face-api/age_gender_model.bin</c>).</summary>
    public const string FaceApiAgeGenderWeights = "face-api-age-gender-weights";

    /// <summary>face-api's expression network, its TF.js manifest (<c>face-api/face_expression_model-weights_manifest.json</c>).</summary>
    public const string FaceApiExpressionManifest = "face-api-expression";

    /// <summary>face-api's expression network, the manifest's one shard (<c>face-api/face_expression_model.bin</c>).</summary>
    public const string FaceApiExpressionWeights = "face-api-expression-weights";

    // The MTCNN files are pinned to one commit, so the address always serves the bytes the hashes describe.
    private const string MtcnnBaseUrl = "https://github.com/timesler/facenet-pytorch/raw/787da06156087cd6b616fe6608213722bddc30cd/data/";
    // face-api's model files as @vladmandic/face-api 1.7.15 ships them, at a pinned commit of its repository.
    private const string FaceApiBaseUrl = "https://raw.githubusercontent.com/vladmandic/face-api/ad61f77ea2962809bed52b5b18966fea80ab1273/model/";
    private const string FaceNetReleaseUrl = "https://github.com/timesler/facenet-pytorch/releases/download/v2.2.9/";

    /// <summary>
    /// The built-in entries. The CASIA-WebFace file has no published hash: its first copy must be an InceptionResnetV1
    /// checkpoint with a 10,575-class classifier (<see cref="CheckpointStructure.InceptionResnetV1"/>), and its hash is then
    /// recorded in the store.
    /// </summary>
    public static IReadOnlyList<ModelInfo> BuiltIn { get; } =
    [
        new(MtcnnPNet, "mtcnn/pnet.pt", new Uri(MtcnnBaseUrl + "pnet.pt"))
        {
            SizeInBytes = 28_570,
            Sha256 = "a2a71925e0b9996a42f63e47efc1ca19043e69558b5c523b978d611dfae49c8f",
        },
        new(MtcnnRNet, "mtcnn/rnet.pt", new Uri(MtcnnBaseUrl + "rnet.pt"))
        {
            SizeInBytes = 403_147,
            Sha256 = "bbb937de72efc9ef83b186c49f5f558467a1d7e3453a8ece0d71a886633f6a86",
        },
        new(MtcnnONet, "mtcnn/onet.pt", new Uri(MtcnnBaseUrl + "onet.pt"))
        {
            SizeInBytes = 1_559_269,
            Sha256 = "165bfbe42940416ccfb977545cf0e976d5bf321f67083ae2aaaa5c764280118d",
        },
        new(VggFace2, "facenet/20180402-114759-vggface2.pt", new Uri(FaceNetReleaseUrl + "20180402-114759-vggface2.pt"))
        {
            Sha256 = "281cebca8662831adb987a874bdcb36e73f5b1c6dc5ee5878f305e985625d99b",
        },
        new(FaceApiResNetManifest, "face-api/face_recognition_model-weights_manifest.json", new Uri(FaceApiBaseUrl + "face_recognition_model-weights_manifest.json"))
        {
            SizeInBytes = 19_615,
            Sha256 = "cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b",
        },
        new(FaceApiResNetWeights, "face-api/face_recognition_model.bin", new Uri(FaceApiBaseUrl + "face_recognition_model.bin"))
        {
            SizeInBytes = 6_444_032,
            Sha256 = "b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589",
        },
        new(FaceApiAgeGenderManifest, "face-api/age_gender_model-weights_manifest.json", new Uri(FaceApiBaseUrl + "age_gender_model-weights_manifest.json"))
        {
            SizeInBytes = 8_392,
            Sha256 = "74b60bf3ebf981bf4e661e9cca3a185614e10b25d797118b62e2a68d3ff2569f",
        },
        new(FaceApiAgeGenderWeights, "face-api/age_gender_model.bin", new Uri(FaceApiBaseUrl + "age_gender_model.bin"))
        {
            SizeInBytes = 429_708,
            Sha256 = "49f92bbc0afef2342c4385e4a2b0acb6d7a727c6f0aa539499719a81acf9abaa",
        },
        new(FaceApiExpressionManifest, "face-api/face_expression_model-weights_manifest.json", new Uri(FaceApiBaseUrl + "face_expression_model-weights_manifest.json"))
        {
            SizeInBytes = 6_980,
            Sha256 = "5b349c17c7836da506e03422cd6461c74085d8bb2713ad4114647dc5d28174c8",
        },
        new(FaceApiExpressionWeights, "face-api/face_expression_model.bin", new Uri(FaceApiBaseUrl + "face_expression_model.bin"))
        {
            SizeInBytes = 329_468,
            Sha256 = "9a9840f2cf1f4c7eab95f197512569345c00d2426754d4608b92af30e0300f3d",
        },
        new(CasiaWebFace, "facenet/20180408-102900-casia-webface.pt", new Uri(FaceNetReleaseUrl + "20180408-102900-casia-webface.pt"))
        {
            StructureValidator = CheckpointStructure.InceptionResnetV1(FaceNet.InceptionResnetV1.CasiaWebFaceClassCount),
        },
    ];
}
