using System.Globalization;
using System.Text;
using static TorchSharp.torch;

namespace FaceEmbeddings.Datasets;

/// <summary>
/// A <see cref="FaceEmbeddingSet"/> as CSV (RFC 4180, invariant culture, values that round-trip): one row per face with
/// <c>path</c>, the label columns, <c>face</c> (its index in the image), <c>probability</c>, the box
/// <c>x1,y1,x2,y2</c>, then <c>e0</c> … <c>e{D−1}</c>.
/// </summary>
internal static class EmbeddingSetCsv
{
    public static byte[] Encode(FaceEmbeddingSet set)
    {
        int size = set.EmbeddingSize;
        float[] values;
        using (NewDisposeScope())
            values = set.Embeddings.to(ScalarType.Float32, CPU).contiguous().data<float>().ToArray(); // [N·D]

        var text = new StringBuilder();
        var header = new List<string> { "path" };
        header.AddRange(set.LabelKeys);
        header.AddRange(["face", "probability", "x1", "y1", "x2", "y2"]);
        header.AddRange(Enumerable.Range(0, size).Select(i => "e" + i.ToString(CultureInfo.InvariantCulture)));
        AppendRow(text, header);

        for (int index = 0; index < set.Faces.Count; index++)
        {
            EmbeddedFace face = set.Faces[index];
            var row = new List<string> { face.Item.Path };
            row.AddRange(set.LabelKeys.Select(key => face.Item.Labels[key]));
            row.Add(face.FaceIndex.ToString(CultureInfo.InvariantCulture));
            var box = face.Face.Box;
            row.AddRange(new[] { face.Face.Probability, box.X1, box.Y1, box.X2, box.Y2 }.Select(Format));
            row.AddRange(values.Skip(index * size).Take(size).Select(Format));
            AppendRow(text, row);
        }
        return System.Text.Encoding.UTF8.GetBytes(text.ToString());
    }

    private static string Format(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static void AppendRow(StringBuilder text, IEnumerable<string> fields)
    {
        text.AppendJoin(',', fields.Select(Quote));
        text.Append("\r\n");
    }

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
