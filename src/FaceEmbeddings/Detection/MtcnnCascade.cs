using FaceEmbeddings.Models.Mtcnn;
using FaceEmbeddings.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Detection;

/// <summary>
/// MTCNN's three stages as facenet-pytorch's <c>detect_face</c> runs them, on a batch of equal-size images:
/// P-Net over a scale pyramid proposes windows, R-Net refines 24×24 crops of them, O-Net scores 48×48 crops
/// and places landmarks. Box arithmetic follows facenet-pytorch operation by operation in float32, so the
/// boxes agree to rounding.
/// </summary>
internal sealed class MtcnnCascade
{
    private const int RefineSize = 24;
    private const int OutputSize = 48;
    private const int NetworkBatchSize = 256;

    private readonly PNet proposal;
    private readonly RNet refine;
    private readonly ONet output;
    private readonly MtcnnOptions options;
    private readonly TensorWorkers workers; // runs the independent pieces: pyramid scales, batches of crops

    public MtcnnCascade(PNet proposal, RNet refine, ONet output, MtcnnOptions options, TensorWorkers workers)
    {
        this.proposal = proposal;
        this.refine = refine;
        this.output = output;
        this.options = options;
        this.workers = workers;
    }

    /// <summary>The faces of each image, largest first.</summary>
    /// <param name="images">The equal-size images, through their summed-area tables.</param>
    /// <param name="device">The networks' device.</param>
    public IReadOnlyList<DetectedFace>[] Detect(AreaResampler images, Device device)
    {
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        int count = images.Count;

        List<double> scales = PyramidScales(images.Height, images.Width, options.MinFaceSize, options.Factor);
        if (scales.Count == 0) return ToDetections(Candidates.None(device), empty(0, 5, 2), count);

        Candidates candidates = Propose(images, scales, device);
        if (candidates.Count > 0) candidates = Refine(candidates, images, device);
        (Candidates faces, Tensor landmarks) = candidates.Count > 0
            ? Finish(candidates, images, device)
            : (candidates, empty(0, 5, 2));
        return ToDetections(faces, landmarks, count);
    }

    /// <summary>The scales of the image pyramid: 12 / MinFaceSize, shrinking by Factor while the short side
    /// stays at least 12 pixels (P-Net's window).</summary>
    private static List<double> PyramidScales(int height, int width, int minFaceSize, double factor)
    {
        var scales = new List<double>();
        double scale = 12.0 / minFaceSize;
        double shortSide = Math.Min(height, width) * scale;
        while (shortSide >= 12)
        {
            scales.Add(scale);
            scale *= factor;
            shortSide *= factor;
        }
        return scales;
    }

    /// <summary>Stage 1: P-Net windows above the first threshold at every scale, NMS 0.5 per scale and image,
    /// then NMS 0.7 per image, box regression and squaring.</summary>
    private Candidates Propose(AreaResampler images, List<double> scales, Device device)
    {
        // The scales are independent until the final NMS; largest first, so the longest piece starts first.
        Tensor[][] perScale = workers.Map(scales.Count, k => ProposeAtScale(images, scales[k], device));
        List<Tensor> boxes = perScale.Where(found => found.Length > 0).Select(found => found[0]).ToList();
        List<Tensor> owners = perScale.Where(found => found.Length > 0).Select(found => found[1]).ToList();
        if (boxes.Count == 0) return Candidates.None(device);

        Tensor all = cat(boxes, 0), allOwners = cat(owners, 0);
        Tensor kept = NonMaxSuppression.Keep(all[.., ..4], all[.., 4], allOwners, 0.7f, OverlapMeasure.IntersectionOverUnion);
        all = all[kept];

        Tensor regionWidth = all[.., 2] - all[.., 0], regionHeight = all[.., 3] - all[.., 1];
        Tensor regressed = stack(new[]
        {
            all[.., 0].Plus(all[.., 5] * regionWidth),
            all[.., 1].Plus(all[.., 6] * regionHeight),
            all[.., 2].Plus(all[.., 7] * regionWidth),
            all[.., 3].Plus(all[.., 8] * regionHeight),
            all[.., 4],
        }, 1);
        return new Candidates(Square(regressed), allOwners[kept]);
    }

    /// <summary>P-Net windows above the first threshold at one scale, after NMS 0.5 per image: boxes [M, 9]
    /// (corners, score, regression offsets) and their images [M], or nothing when no window passes.</summary>
    private Tensor[] ProposeAtScale(AreaResampler images, double scale, Device device)
    {
        int scaledHeight = (int)(images.Height * scale + 1), scaledWidth = (int)(images.Width * scale + 1);
        // Channels-last strides, as facenet-pytorch's permuted input has: P-Net runs fastest on them.
        Tensor input = images.ResizeImages(scaledHeight, scaledWidth, PixelNormalization.Standardized, device) // [N, h', w', 3]
            .permute(0, 3, 1, 2);                                                                      // [N, 3, h', w']
        (Tensor regression, Tensor probabilities) = proposal.call(input); // [N, 4, h, w], [N, 2, h, w]

        Tensor faceProbability = probabilities[.., 1];                   // [N, h, w]
        using Scalar threshold = options.Thresholds.PNet;
        Tensor mask = faceProbability.ge(threshold);
        Tensor positions = mask.nonzero();                               // [M, 3]: image, row, column
        if (positions.shape[0] == 0) return [];

        Tensor score = faceProbability.masked_select(mask);              // [M]
        Tensor offsets = regression.permute(0, 2, 3, 1)[mask];           // [M, 4]
        // Window corners in source pixels: stride 2, cell 12, as facenet-pytorch's generateBoundingBox.
        Tensor cell = positions.index_select(1, tensor(new long[] { 2, 1 }, device: positions.device)).to(ScalarType.Float32);
        using Scalar stride = 2, cellSize = 12, scaleFactor = scale;
        Tensor topLeft = cell.mul(stride).add(TorchScalars.One, TorchScalars.One).div(scaleFactor).floor();
        Tensor bottomRight = cell.mul(stride).add(cellSize, TorchScalars.One).div(scaleFactor).floor();
        Tensor scaleBoxes = cat(new[] { topLeft, bottomRight, score.unsqueeze(1), offsets }, 1); // [M, 9]
        Tensor owner = positions[.., 0];

        Tensor keep = NonMaxSuppression.Keep(scaleBoxes[.., ..4], score, owner, 0.5f, OverlapMeasure.IntersectionOverUnion);
        return [scaleBoxes[keep], owner[keep]];
    }

    /// <summary>Stage 2: R-Net on 24×24 crops, second threshold, NMS 0.7 per image, regression, squaring.</summary>
    private Candidates Refine(Candidates candidates, AreaResampler images, Device device)
    {
        candidates = WithCrops(candidates, images.Height, images.Width, out CropWindow[] crops);
        if (candidates.Count == 0) return candidates;
        Tensor[] outputs = InBatches(crops, batch =>
        {
            (Tensor regression, Tensor probabilities) = refine.call(Patches(images, batch, RefineSize, device));
            return [regression, probabilities];
        });
        Tensor regression = outputs[0], probabilities = outputs[1];

        Tensor score = probabilities[.., 1];
        using Scalar threshold = options.Thresholds.RNet;
        Tensor pass = score.gt(threshold);
        Tensor boxes = cat(new[] { candidates.Boxes[pass][.., ..4], score[pass].unsqueeze(1) }, 1);
        Tensor owners = candidates.Owners[pass];
        regression = regression[pass];

        Tensor keep = NonMaxSuppression.Keep(boxes[.., ..4], boxes[.., 4], owners, 0.7f, OverlapMeasure.IntersectionOverUnion);
        return new Candidates(Square(Regress(boxes[keep], regression[keep])), owners[keep]);
    }

    /// <summary>Stage 3: O-Net on 48×48 crops, third threshold, landmarks, regression, then NMS 0.7 with the
    /// intersection over the smaller box.</summary>
    private (Candidates Faces, Tensor Landmarks) Finish(Candidates candidates, AreaResampler images, Device device)
    {
        candidates = WithCrops(candidates, images.Height, images.Width, out CropWindow[] crops);
        if (candidates.Count == 0) return (candidates, empty(0, 5, 2));
        Tensor[] outputs = InBatches(crops, batch =>
        {
            (Tensor regression, Tensor points, Tensor probabilities) = output.call(Patches(images, batch, OutputSize, device));
            return [regression, points, probabilities];
        });
        Tensor regression = outputs[0], points = outputs[1], probabilities = outputs[2];

        Tensor score = probabilities[.., 1];
        using Scalar threshold = options.Thresholds.ONet;
        Tensor pass = score.gt(threshold);
        Tensor boxes = cat(new[] { candidates.Boxes[pass][.., ..4], score[pass].unsqueeze(1) }, 1);
        Tensor owners = candidates.Owners[pass];
        regression = regression[pass];
        points = points[pass];                                                 // [k, 10]: 5 x then 5 y, 0..1

        Tensor boxWidth = (boxes[.., 2] - boxes[.., 0]).Plus(TorchScalars.One).unsqueeze(1);
        Tensor boxHeight = (boxes[.., 3] - boxes[.., 1]).Plus(TorchScalars.One).unsqueeze(1);
        Tensor x = (boxWidth * points[.., ..5]).Plus(boxes[.., 0].unsqueeze(1)).sub(TorchScalars.One);
        Tensor y = (boxHeight * points[.., 5..]).Plus(boxes[.., 1].unsqueeze(1)).sub(TorchScalars.One);
        Tensor landmarks = stack(new[] { x, y }, 2);                          // [k, 5, 2]
        boxes = Regress(boxes, regression);

        Tensor keep = NonMaxSuppression.Keep(boxes[.., ..4], boxes[.., 4], owners, 0.7f, OverlapMeasure.IntersectionOverMinimum, laterBoxesWinTies: true);
        return (new Candidates(boxes[keep], owners[keep]), landmarks[keep]);
    }

    /// <summary>The crop rectangles of the candidates, by facenet-pytorch's 1-based padding rule: corners
    /// truncated to integers, clamped to [1, W] × [1, H], then rows y − 1 … ey − 1 and columns x − 1 … ex − 1
    /// cut. Candidates whose crop is empty (the box lies outside the image) are dropped.</summary>
    private static Candidates WithCrops(Candidates candidates, int height, int width, out CropWindow[] crops)
    {
        Tensor corners = candidates.Boxes[.., ..4].trunc().to(ScalarType.Int64);
        using Scalar widthLimit = width, heightLimit = height;
        Tensor left = corners[.., 0].clamp_min(TorchScalars.One).sub(TorchScalars.One), top = corners[.., 1].clamp_min(TorchScalars.One).sub(TorchScalars.One);
        Tensor right = corners[.., 2].clamp_max(widthLimit), bottom = corners[.., 3].clamp_max(heightLimit);
        Tensor valid = (bottom > top).logical_and(right > left);
        long[] rows = stack(new[] { candidates.Owners, top, left, bottom, right }, 1)[valid].cpu().contiguous().data<long>().ToArray();
        crops = new CropWindow[rows.Length / 5];
        for (int k = 0; k < crops.Length; k++)
            crops[k] = new CropWindow((int)rows[5 * k], (int)rows[5 * k + 1], (int)rows[5 * k + 2], (int)rows[5 * k + 3], (int)rows[5 * k + 4]);
        return new Candidates(candidates.Boxes[valid], candidates.Owners[valid]);
    }

    /// <summary>Runs <paramref name="network"/> on batches of the crops and joins its outputs: at most
    /// <see cref="NetworkBatchSize"/> crops a batch (a large image can yield thousands of candidates, and one batch
    /// would hold all their activations), and at least one batch per worker thread.</summary>
    private Tensor[] InBatches(CropWindow[] crops, Func<ArraySegment<CropWindow>, Tensor[]> network)
    {
        int threads = Math.Max(1, workers.Count);
        int batchSize = Math.Min(NetworkBatchSize, (crops.Length + threads - 1) / threads);
        int batchCount = (crops.Length + batchSize - 1) / batchSize;
        Tensor[][] batches = workers.Map(batchCount, b =>
            network(new ArraySegment<CropWindow>(crops, b * batchSize, Math.Min(batchSize, crops.Length - b * batchSize))));
        if (batchCount == 1) return batches[0];
        return Enumerable.Range(0, batches[0].Length).Select(output => cat(batches.Select(batch => batch[output]).ToArray(), 0)).ToArray();
    }

    /// <summary>Network input: the crops area-resized to size × size, [K, 3, size, size], normalized.</summary>
    private static Tensor Patches(AreaResampler images, IReadOnlyList<CropWindow> crops, int size, Device device) =>
        images.ResizeCrops(crops, size, size, PixelNormalization.Standardized, device).permute(0, 3, 1, 2);

    /// <summary>facenet-pytorch's <c>bbreg</c>: corners moved by the regression times the inclusive box size.</summary>
    private static Tensor Regress(Tensor boxes, Tensor regression)
    {
        Tensor boxWidth = (boxes[.., 2] - boxes[.., 0]).Plus(TorchScalars.One), boxHeight = (boxes[.., 3] - boxes[.., 1]).Plus(TorchScalars.One);
        return stack(new[]
        {
            boxes[.., 0].Plus(regression[.., 0] * boxWidth),
            boxes[.., 1].Plus(regression[.., 1] * boxHeight),
            boxes[.., 2].Plus(regression[.., 2] * boxWidth),
            boxes[.., 3].Plus(regression[.., 3] * boxHeight),
            boxes[.., 4],
        }, 1);
    }

    /// <summary>facenet-pytorch's <c>rerec</c>: each box grown to a square around its centre.</summary>
    private static Tensor Square(Tensor boxes)
    {
        Tensor boxHeight = boxes[.., 3] - boxes[.., 1], boxWidth = boxes[.., 2] - boxes[.., 0];
        Tensor side = maximum(boxWidth, boxHeight);
        using Scalar half = 0.5f;
        Tensor x1 = boxes[.., 0].Plus(boxWidth.mul(half)).sub(side.mul(half));
        Tensor y1 = boxes[.., 1].Plus(boxHeight.mul(half)).sub(side.mul(half));
        return stack(new[] { x1, y1, x1.Plus(side), y1.Plus(side), boxes[.., 4] }, 1);
    }

    private static IReadOnlyList<DetectedFace>[] ToDetections(Candidates faces, Tensor landmarks, int imageCount)
    {
        var perImage = new List<DetectedFace>[imageCount];
        for (int i = 0; i < imageCount; i++) perImage[i] = new List<DetectedFace>();
        if (faces.Count > 0)
        {
            float[] boxes = faces.Boxes.cpu().contiguous().data<float>().ToArray();
            float[] points = landmarks.cpu().contiguous().data<float>().ToArray();
            long[] owners = faces.Owners.cpu().contiguous().data<long>().ToArray();
            for (int k = 0; k < owners.Length; k++)
            {
                var marks = new FacePoint[DetectedFace.LandmarkCount];
                for (int p = 0; p < marks.Length; p++)
                    marks[p] = new FacePoint(points[k * 10 + 2 * p], points[k * 10 + 2 * p + 1]);
                var box = new BoundingBox(boxes[k * 5], boxes[k * 5 + 1], boxes[k * 5 + 2], boxes[k * 5 + 3]);
                perImage[owners[k]].Add(new DetectedFace(box, boxes[k * 5 + 4], marks));
            }
        }
        // Largest first, as facenet-pytorch's detect orders them (a stable sort keeps score order among ties).
        return perImage.Select(list => (IReadOnlyList<DetectedFace>)list.OrderByDescending(face => face.Box.Area).ToList()).ToArray();
    }

    /// <summary>Candidate boxes [K, 5] (x1, y1, x2, y2, score) and the image each belongs to [K].</summary>
    private readonly record struct Candidates(Tensor Boxes, Tensor Owners)
    {
        public long Count => Boxes.shape[0];

        public static Candidates None(Device device) =>
            new(empty(0, 5, device: device), empty(0, ScalarType.Int64, device: device));
    }
}
