namespace FaceEmbeddings.Tests.Checkpoints;

/// <summary>
/// The state-dict keys and shapes of facenet-pytorch's InceptionResnetV1 with the VGGFace2 classifier
/// (models/inception_resnet_v1.py), written out from the layer definitions in registration order.
/// </summary>
public static class InceptionResnetV1Layout
{
    public static List<KeyValuePair<string, long[]>> StateDict()
    {
        var keys = new List<KeyValuePair<string, long[]>>();
        void Add(string key, params long[] shape) => keys.Add(new(key, shape));
        void Conv(string name, long input, long output, long height, long width, bool bias)
        {
            Add($"{name}.weight", output, input, height, width);
            if (bias)
                Add($"{name}.bias", output);
        }
        void BatchNorm(string name, long channels)
        {
            Add($"{name}.weight", channels);
            Add($"{name}.bias", channels);
            Add($"{name}.running_mean", channels);
            Add($"{name}.running_var", channels);
            Add($"{name}.num_batches_tracked");
        }
        void Basic(string name, long input, long output, long height, long width)
        {
            Conv($"{name}.conv", input, output, height, width, bias: false);
            BatchNorm($"{name}.bn", output);
        }

        Basic("conv2d_1a", 3, 32, 3, 3);
        Basic("conv2d_2a", 32, 32, 3, 3);
        Basic("conv2d_2b", 32, 64, 3, 3);
        Basic("conv2d_3b", 64, 80, 1, 1);
        Basic("conv2d_4a", 80, 192, 3, 3);
        Basic("conv2d_4b", 192, 256, 3, 3);
        for (int i = 0; i < 5; i++)
        {
            string block = $"repeat_1.{i}";
            Basic($"{block}.branch0", 256, 32, 1, 1);
            Basic($"{block}.branch1.0", 256, 32, 1, 1);
            Basic($"{block}.branch1.1", 32, 32, 3, 3);
            Basic($"{block}.branch2.0", 256, 32, 1, 1);
            Basic($"{block}.branch2.1", 32, 32, 3, 3);
            Basic($"{block}.branch2.2", 32, 32, 3, 3);
            Conv($"{block}.conv2d", 96, 256, 1, 1, bias: true);
        }
        Basic("mixed_6a.branch0", 256, 384, 3, 3);
        Basic("mixed_6a.branch1.0", 256, 192, 1, 1);
        Basic("mixed_6a.branch1.1", 192, 192, 3, 3);
        Basic("mixed_6a.branch1.2", 192, 256, 3, 3);
        for (int i = 0; i < 10; i++)
        {
            string block = $"repeat_2.{i}";
            Basic($"{block}.branch0", 896, 128, 1, 1);
            Basic($"{block}.branch1.0", 896, 128, 1, 1);
            Basic($"{block}.branch1.1", 128, 128, 1, 7);
            Basic($"{block}.branch1.2", 128, 128, 7, 1);
            Conv($"{block}.conv2d", 256, 896, 1, 1, bias: true);
        }
        Basic("mixed_7a.branch0.0", 896, 256, 1, 1);
        Basic("mixed_7a.branch0.1", 256, 384, 3, 3);
        Basic("mixed_7a.branch1.0", 896, 256, 1, 1);
        Basic("mixed_7a.branch1.1", 256, 256, 3, 3);
        Basic("mixed_7a.branch2.0", 896, 256, 1, 1);
        Basic("mixed_7a.branch2.1", 256, 256, 3, 3);
        Basic("mixed_7a.branch2.2", 256, 256, 3, 3);
        foreach (string block in Enumerable.Range(0, 5).Select(i => $"repeat_3.{i}").Append("block8"))
        {
            Basic($"{block}.branch0", 1792, 192, 1, 1);
            Basic($"{block}.branch1.0", 1792, 192, 1, 1);
            Basic($"{block}.branch1.1", 192, 192, 1, 3);
            Basic($"{block}.branch1.2", 192, 192, 3, 1);
            Conv($"{block}.conv2d", 384, 1792, 1, 1, bias: true);
        }
        Add("last_linear.weight", 512, 1792);
        BatchNorm("last_bn", 512);
        Add("logits.weight", 8631, 512);
        Add("logits.bias", 8631);
        return keys;
    }
}
