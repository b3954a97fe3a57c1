// Where the main job's time goes (issue 20): the stages of `faceembed embed` on the UTKFace images, one after the
// other, each with its wall time and the CPU time the process spent in it (CPU ÷ wall = cores kept busy, of 2 here).
// Run it from the repository root:
//
//   dotnet run -c Release --project benchmarks/StageProfile -- [--overlap] [rounds]
//
// Stages: libtorch's start, the encoder's weights (the random-weight checkpoint, VGGFace2's architecture), MTCNN's
// weights, then `rounds` rounds (default 2) of decoding, detecting and embedding every image in batches of 32, as the
// dataset pipeline does. --overlap also runs each round a second way: decoding and detection of the next batch on a
// second thread while the encoder embeds the current one, to measure what overlapping the two would buy.
using System.Diagnostics;
using System.Globalization;
using FaceEmbeddings.Datasets;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Imaging;
using static TorchSharp.torch;

bool overlap = args.Contains("--overlap");
int rounds = args.Where(arg => arg != "--overlap").Select(arg => int.Parse(arg, CultureInfo.InvariantCulture)).DefaultIfEmpty(2).First();
string shared = Environment.GetEnvironmentVariable("FACEEMBEDDINGS_SHARED") ?? Path.GetFullPath("../shared");
int batchSize = new FaceDatasetOptions().BatchSize;

var stage = new StageClock();
zeros(1).Dispose();
stage.Lap("libtorch start");
using var encoder = FaceNetEncoder.FromFile(Path.Combine(shared, "fixtures", "inception_resnet_v1", "irv1-random-fp16.pt"));
stage.Lap("encoder weights (load, fold batch norms)");
string mtcnn = Path.Combine(shared, "models", "mtcnn");
using var detector = MtcnnFaceDetector.FromFiles(Path.Combine(mtcnn, "pnet.pt"), Path.Combine(mtcnn, "rnet.pt"), Path.Combine(mtcnn, "onet.pt"));
stage.Lap("detector weights");
// The files `faceembed embed --labels utkface` reads, in its order and batches.
string[][] batches = [.. FaceDataset.FromUtkFace(Path.Combine(shared, "data", "utkface")).Items.Select(item => item.Path).Chunk(batchSize)];

for (int round = 1; round <= rounds; round++)
{
    stage.Mark();
    var images = batches.Select(batch => batch.Select(path => FaceImage.Load(path)).ToList()).ToList();
    stage.Lap($"round {round}: decode {images.Sum(batch => batch.Count)} images");
    var crops = images.Select(batch => detector.DetectAndExtract(batch)).ToList();
    stage.Lap($"round {round}: detect and crop {crops.Sum(batch => batch.Count)} faces");
    foreach (FaceCropBatch batch in crops)
        encoder.Embed(batch).Dispose();
    stage.Lap($"round {round}: embed (float32, batches of up to {batchSize})");
    crops.ForEach(batch => batch.Dispose());
    images.ForEach(batch => batch.ForEach(image => image.Dispose()));
    stage.Total($"round {round}: decode + detect + embed, in sequence");

    if (!overlap) continue;
    stage.Mark();
    Task<FaceCropBatch> next = Task.Factory.StartNew(() => DecodeAndDetect(batches[0]), TaskCreationOptions.LongRunning);
    for (int k = 0; k < batches.Length; k++)
    {
        using FaceCropBatch current = next.GetAwaiter().GetResult();
        int following = k + 1;
        if (following < batches.Length)
            next = Task.Factory.StartNew(() => DecodeAndDetect(batches[following]), TaskCreationOptions.LongRunning);
        encoder.Embed(current).Dispose();
    }
    stage.Lap($"round {round}: decode + detect + embed, detection of the next batch beside the encoder");
}
return 0;

FaceCropBatch DecodeAndDetect(string[] paths)
{
    List<FaceImage> images = [.. paths.Select(path => FaceImage.Load(path))];
    try
    {
        return detector.DetectAndExtract(images);
    }
    finally
    {
        images.ForEach(image => image.Dispose());
    }
}

/// <summary>Prints each stage's wall and process CPU time since the previous lap.</summary>
internal sealed class StageClock
{
    private readonly Stopwatch wall = Stopwatch.StartNew();
    private (TimeSpan Wall, TimeSpan Cpu) lap;
    private (TimeSpan Wall, TimeSpan Cpu) mark;

    public StageClock() => lap = Now();

    public void Lap(string stage) => lap = PrintSince(stage, lap);

    /// <summary>Starts the span that <see cref="Total"/> prints.</summary>
    public void Mark() => mark = Now();

    /// <summary>Prints the time since <see cref="Mark"/> as one line.</summary>
    public void Total(string what) => PrintSince(what, mark);

    private (TimeSpan Wall, TimeSpan Cpu) Now() => (wall.Elapsed, Process.GetCurrentProcess().TotalProcessorTime);

    private (TimeSpan Wall, TimeSpan Cpu) PrintSince(string what, (TimeSpan Wall, TimeSpan Cpu) start)
    {
        var now = Now();
        Print(what, now.Wall - start.Wall, now.Cpu - start.Cpu);
        return now;
    }

    private static void Print(string stage, TimeSpan wall, TimeSpan cpu) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{stage,-75} {wall.TotalSeconds,7:0.00} s wall {cpu.TotalSeconds,7:0.00} s CPU ({cpu / wall:0.00} cores)"));
}
