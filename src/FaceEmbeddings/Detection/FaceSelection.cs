namespace FaceEmbeddings.Detection;

/// <summary>How a detector picks one face when <see cref="MtcnnOptions.KeepAll"/> is false
/// (facenet-pytorch's <c>selection_method</c>).</summary>
public enum FaceSelection
{
    /// <summary>The largest box (facenet-pytorch's default, <c>"largest"</c>).</summary>
    Largest,

    /// <summary>The most probable face (<c>"probability"</c>).</summary>
    Probability,

    /// <summary>The largest box among faces more probable than <see cref="MtcnnOptions.SelectionThreshold"/>;
    /// none when no face is (<c>"largest_over_threshold"</c>).</summary>
    LargestOverThreshold,

    /// <summary>The box maximizing area − <see cref="MtcnnOptions.CenterWeight"/> × squared distance of its
    /// centre from the image centre (<c>"center_weighted_size"</c>).</summary>
    CenterWeightedSize,

    /// <summary>
    /// The largest face at least <see cref="MtcnnOptions.ConfidentProbability"/> probable, else the largest of all: a
    /// photo's subject rather than a larger detection MTCNN's last stage is less sure of (a hand, half a face at the
    /// border). Not one of facenet-pytorch's methods; the command line's and <c>AddFaceEmbeddings</c>' default.
    /// </summary>
    LargestConfident,
}
