using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Recognition;

namespace FaceEmbeddings.Cli.Commands;

/// <summary><c>faceembed verify &lt;a&gt; &lt;b&gt;</c>: are the faces of two images (one each, as <c>--select</c> picks) the same person?</summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var first = new Argument<FileInfo>("a") { Description = "The first image." };
        var second = new Argument<FileInfo>("b") { Description = "The second image." };
        var threshold = IdentifyCommand.ThresholdOption("faces strictly closer are the same person");
        var metric = new Option<string>("--metric") { Description = "The distance between the embeddings.", DefaultValueFactory = _ => "euclidean" };
        metric.AcceptOnlyFromAmong("euclidean", "cosine");
        var json = new Option<bool>("--json") { Description = "Write JSON instead of a sentence." };
        var pipeline = new PipelineOptions(embeds: true, cropGeometry: false, onePerPhoto: true);

        var command = new Command("verify", "Detect the face of each image that --select picks (MTCNN; by default the largest it is confident of), embed both (the --encoder) and say whether they are the same person.")
        {
            first, second, threshold, metric, json,
        };
        pipeline.AddTo(command);
        CommandAction.Set(command, async (parsed, cancellationToken) =>
        {
            FileInfo a = parsed.GetRequiredValue(first), b = parsed.GetRequiredValue(second);
            using var encoder = await pipeline.CreateEncoderAsync(parsed, cancellationToken).ConfigureAwait(false);
            DistanceMetric distance = parsed.GetRequiredValue(metric) == "cosine" ? DistanceMetric.Cosine : DistanceMetric.Euclidean;
            string model = pipeline.ModelNameOf(parsed);
            VerificationThreshold decision = pipeline.ThresholdOf(parsed, parsed.GetValue(threshold), distance)
                ?? throw new UsageException($"There is no published {distance} threshold for model '{model}': pass --threshold (ThresholdCalibration picks one from labelled faces).");
            using var detector = await pipeline.CreateDetectorAsync(parsed, keepAll: true, encoder, cancellationToken).ConfigureAwait(false);
            var verifier = new FaceVerifier(encoder, decision, detector);

            using FaceImage left = FaceImage.Load(a.FullName);
            using FaceImage right = FaceImage.Load(b.FullName);
            FaceVerification result;
            try
            {
                result = await Task.Run(() => verifier.Verify(left, right), cancellationToken).ConfigureAwait(false);
            }
            catch (NoFaceFoundException noFace)
            {
                throw new InvalidOperationException($"No face was found in '{(ReferenceEquals(noFace.Image, left) ? a : b)}'.", noFace);
            }

            if (parsed.GetValue(json))
            {
                Terminal.Result(JsonSerializer.Serialize(new
                {
                    a = a.ToString(), b = b.ToString(), distance = result.Distance, threshold = result.Threshold,
                    metric = result.Metric.ToString(), match = result.IsMatch, thresholdSource = decision.Source,
                }));
                return;
            }
            string comparison = result.IsMatch ? "<" : "≥";
            Terminal.Info($"Threshold: {decision.Source}.");
            Terminal.Result(string.Create(CultureInfo.InvariantCulture,
                $"{(result.IsMatch ? "same person" : "different people")}: {result.Metric} distance {result.Distance:0.0000} {comparison} threshold {result.Threshold:0.####}"));
        });
        return command;
    }
}
