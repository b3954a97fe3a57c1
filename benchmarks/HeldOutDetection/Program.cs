// A plain console app as a package user writes it (issue 20, "fast by default"): it creates the detector with the
// defaults and detects faces in a few photos, without calling NativeHeap.RetainFreedMemory(). Run it from the
// repository root:
//
//   dotnet run -c Release --project benchmarks/HeldOutDetection -- [--system-allocator] [rounds] photo...
//
// --system-allocator sets MtcnnOptions.RetainFreedNativeMemory to false (glibc's own policy), for the comparison.
// It prints each photo's size and the images/s of each round after the first (the first pays for start-up).
using System.Diagnostics;
using System.Globalization;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Imaging;

bool systemAllocator = args.Contains("--system-allocator");
string[] rest = [.. args.Where(arg => arg != "--system-allocator")];
int rounds = rest.Length > 0 && int.TryParse(rest[0], CultureInfo.InvariantCulture, out int parsed) ? parsed : 5;
string[] photos = rest.SkipWhile(arg => int.TryParse(arg, CultureInfo.InvariantCulture, out _)).ToArray();
if (photos.Length == 0)
{
    Console.Error.WriteLine("usage: HeldOutDetection [--system-allocator] [rounds] photo...");
    return 2;
}

string shared = Environment.GetEnvironmentVariable("FACEEMBEDDINGS_SHARED") ?? Path.GetFullPath("../shared");
string mtcnn = Path.Combine(shared, "models", "mtcnn");
using var detector = MtcnnFaceDetector.FromFiles(Path.Combine(mtcnn, "pnet.pt"), Path.Combine(mtcnn, "rnet.pt"), Path.Combine(mtcnn, "onet.pt"),
    new MtcnnOptions { RetainFreedNativeMemory = !systemAllocator });
FaceImage[] images = [.. photos.Select(path => FaceImage.Load(path))];
Console.WriteLine($"allocator: {(systemAllocator ? "glibc's default" : "retain freed memory (the default)")}; photos: "
    + string.Join(", ", images.Select(image => $"{image.Width}×{image.Height}")));

var times = new List<double>();
for (int round = 0; round <= rounds; round++)
{
    var clock = Stopwatch.StartNew();
    int faces = images.Sum(image => detector.Detect(image).Count);
    double seconds = clock.Elapsed.TotalSeconds;
    if (round > 0) times.Add(images.Length / seconds);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round}: {faces} faces, {seconds * 1000:0} ms, {images.Length / seconds:0.00} images/s{(round == 0 ? " (warm-up)" : "")}"));
}
times.Sort();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median: {times[times.Count / 2]:0.00} images/s over {rounds} rounds"));
return 0;
