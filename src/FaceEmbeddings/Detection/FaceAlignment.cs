namespace FaceEmbeddings.Detection;

/// <summary>
/// Where a face's five landmarks land in an aligned chip: a template face, in coordinates where the face spans the unit
/// square, and the padding added around it. A chip of side <c>S</c> puts template point <c>p</c> at
/// <c>(padding + p) / (1 + 2·padding) · S</c> (dlib's <c>get_face_chip_details</c>); the detector fits the similarity
/// transform that best maps those points onto the detected landmarks and samples the chip through it.
/// </summary>
public sealed record FaceAlignment
{
    /// <summary>Creates an alignment.</summary>
    /// <param name="name">Names the alignment where geometries are recorded (galleries) and compared.</param>
    /// <param name="template">Five points in the landmark order of <see cref="DetectedFace.Landmarks"/>.</param>
    /// <param name="padding">Padding on each side, as a fraction of the template's unit square (at least 0).</param>
    /// <exception cref="ArgumentException">The name is empty, the template does not hold five finite points that are not all
    /// the same, or the padding is negative or not finite.</exception>
    public FaceAlignment(string name, IReadOnlyList<FacePoint> template, double padding)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(template);
        if (template.Count != DetectedFace.LandmarkCount)
            throw new ArgumentException($"An alignment template has {DetectedFace.LandmarkCount} points, one per landmark; got {template.Count}.", nameof(template));
        if (template.Any(point => !float.IsFinite(point.X) || !float.IsFinite(point.Y)) || template.Distinct().Count() == 1)
            throw new ArgumentException("An alignment template's points must be finite and not all the same.", nameof(template));
        if (!double.IsFinite(padding) || padding < 0)
            throw new ArgumentOutOfRangeException(nameof(padding), padding, "Padding must be a finite fraction of at least 0.");
        Name = name;
        Template = template.ToArray();
        Padding = padding;
    }

    /// <summary>
    /// dlib's mean face (the one <c>get_face_chip_details</c> aligns 68 landmarks to, which dlib's face-recognition ResNet
    /// was trained on) at the points MTCNN finds: each eye's centre (the mean of its six dlib landmarks), the nose tip
    /// (landmark 30) and the mouth corners (48, 54), with dlib's recognition padding 0.25.
    /// </summary>
    public static FaceAlignment DlibMeanFace { get; } = new("dlib-mean-face", DlibTemplate(), 0.25);

    /// <summary>What <see cref="TryParse"/> reads as "no alignment" (unaligned box crops).</summary>
    public const string NoneName = "none";

    /// <summary>
    /// Reads an alignment setting as the command line and configuration give it: <c>dlib-mean-face</c> (or <c>dlib</c>)
    /// for <see cref="DlibMeanFace"/>, <c>none</c> for unaligned crops (<paramref name="alignment"/> null); case-insensitive.
    /// </summary>
    /// <returns>False when <paramref name="text"/> names no known alignment.</returns>
    public static bool TryParse(string? text, out FaceAlignment? alignment)
    {
        alignment = null;
        if (string.Equals(text, NoneName, StringComparison.OrdinalIgnoreCase)) return true;
        if (string.Equals(text, DlibMeanFace.Name, StringComparison.OrdinalIgnoreCase) || string.Equals(text, "dlib", StringComparison.OrdinalIgnoreCase))
        {
            alignment = DlibMeanFace;
            return true;
        }
        return false;
    }

    /// <summary>Names the alignment, e.g. <c>dlib-mean-face</c>.</summary>
    public string Name { get; }

    /// <summary>The five template points, face in the unit square, in landmark order.</summary>
    public IReadOnlyList<FacePoint> Template { get; }

    /// <summary>Padding on each side, as a fraction of the face's unit square.</summary>
    public double Padding { get; }

    /// <summary>The template points in a chip of <paramref name="size"/> pixels (pixel centres at whole coordinates).</summary>
    public IReadOnlyList<(double X, double Y)> TemplateIn(int size) =>
        Template.Select(point => ((Padding + point.X) / (1 + 2 * Padding) * size, (Padding + point.Y) / (1 + 2 * Padding) * size)).ToArray();

    /// <summary>
    /// The similarity transform from chip pixels to image pixels that maps the template, in a chip of
    /// <paramref name="size"/>, onto <paramref name="landmarks"/> with the least squared error.
    /// </summary>
    /// <exception cref="ArgumentException">The face does not have five finite landmarks, or they all coincide.</exception>
    public SimilarityTransform ChipToImage(IReadOnlyList<FacePoint> landmarks, int size)
    {
        ArgumentNullException.ThrowIfNull(landmarks);
        if (landmarks.Count != DetectedFace.LandmarkCount)
            throw new ArgumentException($"Aligning a face needs its {DetectedFace.LandmarkCount} landmarks; it has {landmarks.Count}.", nameof(landmarks));
        SimilarityTransform transform;
        try
        {
            transform = SimilarityTransform.Fit(TemplateIn(size), landmarks.Select(point => ((double)point.X, (double)point.Y)).ToArray());
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"The face's landmarks cannot be aligned: {e.Message}", nameof(landmarks), e);
        }
        if (!(transform.Scale > 1e-6))
            throw new ArgumentException("The face's landmarks cannot be aligned: they all coincide.", nameof(landmarks));
        return transform;
    }

    /// <summary>Equal when the names, paddings and template points are.</summary>
    public bool Equals(FaceAlignment? other) =>
        other is not null && Name == other.Name && Padding.Equals(other.Padding) && Template.SequenceEqual(other.Template);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Padding, Template[0], Template[2]);

    /// <summary>"dlib-mean-face (padding 0.25)".</summary>
    public override string ToString() => $"{Name} (padding {Padding.ToString(System.Globalization.CultureInfo.InvariantCulture)})";

    private static FacePoint[] DlibTemplate()
    {
        // dlib's mean face (interpolation.h, mean_face_shape_x/y), landmarks 36–41 and 42–47 (the eyes), 30, 48 and 54.
        float[] rightEyeX = [0.121737f, 0.187122f, 0.265825f, 0.334606f, 0.260918f, 0.182743f];
        float[] rightEyeY = [0.216423f, 0.178758f, 0.179852f, 0.231733f, 0.245099f, 0.244077f];
        float[] leftEyeX = [0.645647f, 0.714428f, 0.793132f, 0.858516f, 0.79751f, 0.719335f];
        float[] leftEyeY = [0.231733f, 0.179852f, 0.178758f, 0.216423f, 0.244077f, 0.245099f];
        // MTCNN's "left eye" is the one on the image's left, the person's right eye (dlib's 36–41).
        return
        [
            new(rightEyeX.Average(), rightEyeY.Average()),
            new(leftEyeX.Average(), leftEyeY.Average()),
            new(0.490127f, 0.515625f),
            new(0.254149f, 0.780233f),
            new(0.726104f, 0.780233f),
        ];
    }
}
