using System.Text.Json;
using FaceEmbeddings.Models.Checkpoints;
using static TorchSharp.torch;

namespace FaceEmbeddings.Datasets;

/// <summary>
/// A <see cref="FaceEmbeddingSet"/> as safetensors: <see cref="FaceEmbeddingSet.EmbeddingsKey"/> [N, D],
/// <see cref="FaceEmbeddingSet.BoxesKey"/> [N, 4], <see cref="FaceEmbeddingSet.ProbabilitiesKey"/> [N] and
/// <see cref="FaceEmbeddingSet.LandmarksKey"/> [N, 5, 2], all float32, with the paths, labels and skipped files as JSON
/// in the metadata.
/// </summary>
internal static class EmbeddingSetSafeTensors
{
    public static byte[] Encode(FaceEmbeddingSet set)
    {
        using var scope = NewDisposeScope();
        IReadOnlyList<EmbeddedFace> faces = set.Faces;
        int count = faces.Count;
        var boxes = new float[count * 4];
        var probabilities = new float[count];
        var landmarks = new float[count * 10];
        for (int row = 0; row < count; row++)
        {
            var face = faces[row].Face;
            (boxes[row * 4], boxes[row * 4 + 1], boxes[row * 4 + 2], boxes[row * 4 + 3]) = (face.Box.X1, face.Box.Y1, face.Box.X2, face.Box.Y2);
            probabilities[row] = face.Probability;
            for (int point = 0; point < face.Landmarks.Count; point++)
                (landmarks[row * 10 + point * 2], landmarks[row * 10 + point * 2 + 1]) = (face.Landmarks[point].X, face.Landmarks[point].Y);
        }
        var tensors = new Dictionary<string, Tensor>
        {
            [FaceEmbeddingSet.EmbeddingsKey] = set.Embeddings.to(ScalarType.Float32),
            [FaceEmbeddingSet.BoxesKey] = tensor(boxes, [count, 4], ScalarType.Float32),
            [FaceEmbeddingSet.ProbabilitiesKey] = tensor(probabilities, [count], ScalarType.Float32),
            [FaceEmbeddingSet.LandmarksKey] = tensor(landmarks, [count, 5, 2], ScalarType.Float32),
        };
        var metadata = new Dictionary<string, string>
        {
            ["source"] = set.Source,
            ["label_keys"] = JsonSerializer.Serialize(set.LabelKeys),
            [FaceEmbeddingSet.PathsKey] = JsonSerializer.Serialize(faces.Select(face => face.Item.Path)),
            [FaceEmbeddingSet.LabelsKey] = JsonSerializer.Serialize(faces.Select(face => face.Item.Labels.Pairs.ToDictionary(pair => pair.Key, pair => pair.Value))),
            [FaceEmbeddingSet.SkippedKey] = JsonSerializer.Serialize(set.Skipped.Select(skip => new Dictionary<string, string>
            {
                ["path"] = skip.Path,
                ["reason"] = skip.Reason.ToString(),
                ["message"] = skip.Message,
            })),
        };
        using var content = new MemoryStream();
        SafeTensors.Save(content, tensors, metadata);
        return content.ToArray();
    }
}
