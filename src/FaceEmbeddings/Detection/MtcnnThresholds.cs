namespace FaceEmbeddings.Detection;

/// <summary>The face-probability thresholds of MTCNN's three stages (facenet-pytorch's <c>thresholds</c>).</summary>
/// <param name="PNet">Proposal stage: windows at or above it become candidates (default 0.6).</param>
/// <param name="RNet">Refinement stage: candidates above it are kept (default 0.7).</param>
/// <param name="ONet">Output stage: faces above it are reported (default 0.7).</param>
public readonly record struct MtcnnThresholds(float PNet, float RNet, float ONet)
{
    /// <summary>facenet-pytorch's defaults: 0.6, 0.7, 0.7.</summary>
    public static MtcnnThresholds Default => new(0.6f, 0.7f, 0.7f);
}
