using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Models.FaceNet;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.FaceNet;

[Collection(FaceNetTestGroup.Name)]
public sealed class InceptionResnetV1Tests(FaceNetReference reference, ITestOutputHelper output)
{
    [Fact]
    public void Parameter_names_and_shapes_are_exactly_those_of_the_facenet_pytorch_checkpoint()
    {
        using var model = new InceptionResnetV1(numClasses: InceptionResnetV1.VggFace2ClassCount);
        Dictionary<string, Tensor> ours = model.state_dict();

        ours.Keys.Should().BeEquivalentTo(reference.StateDict.Keys);
        foreach ((string key, Tensor tensor) in reference.StateDict)
            ours[key].shape.Should().Equal(tensor.shape, because: key);
    }

    [Fact]
    public void Embeddings_and_logits_match_facenet_pytorch()
    {
        using var model = reference.LoadedModel();
        using var inference = inference_mode();

        using Tensor embeddings = model.Embed(reference.AlignedInputs);
        using Tensor logits = model.Classify(reference.AlignedInputs);

        float embeddingError = FaceNetReference.MaxAbsDifference(embeddings, reference.Embeddings);
        float logitError = FaceNetReference.MaxAbsDifference(logits, reference.Logits);
        output.WriteLine($"reference path: embeddings max |Δ| {embeddingError:E2}, logits max |Δ| {logitError:E2}");
        embeddingError.Should().BeLessThan(1e-4f);
        logitError.Should().BeLessThan(1e-3f);
    }

    [Fact]
    public void Forward_returns_embeddings_or_in_classify_mode_logits()
    {
        using var embedder = reference.LoadedModel();
        using var classifier = new InceptionResnetV1(numClasses: InceptionResnetV1.VggFace2ClassCount, classify: true);
        classifier.LoadStateDict(reference.StateDict);
        using var inference = inference_mode();
        using Tensor input = reference.AlignedInputs.narrow(0, 0, 2);

        using Tensor embeddings = embedder.call(input);
        using Tensor logits = classifier.call(input);

        embeddings.shape.Should().Equal(2, 512);
        FaceNetReference.MaxAbsDifference(embeddings, reference.Embeddings.narrow(0, 0, 2)).Should().BeLessThan(1e-4f);
        logits.shape.Should().Equal(2, 8631);
        FaceNetReference.MaxAbsDifference(logits, reference.Logits.narrow(0, 0, 2)).Should().BeLessThan(1e-3f);
    }

    [Fact]
    public void The_fused_network_computes_the_same_function()
    {
        using var model = reference.LoadedModel();
        using var fused = model.Fuse();
        using var inference = inference_mode();

        using Tensor embeddings = fused.Embed(reference.AlignedInputs);
        using Tensor logits = fused.Classify(reference.AlignedInputs);
        using Tensor unfused = model.Embed(reference.AlignedInputs);

        float embeddingError = FaceNetReference.MaxAbsDifference(embeddings, reference.Embeddings);
        float logitError = FaceNetReference.MaxAbsDifference(logits, reference.Logits);
        output.WriteLine($"fused path: embeddings max |Δ| {embeddingError:E2}, logits max |Δ| {logitError:E2}, vs unfused {FaceNetReference.MaxAbsDifference(embeddings, unfused):E2}");
        embeddingError.Should().BeLessThan(1e-4f);
        logitError.Should().BeLessThan(1e-3f);
        fused.ClassCount.Should().Be(8631);
        fused.ComputeType.Should().Be(ScalarType.Float32);
    }

    [Fact]
    public void The_fused_network_gives_a_face_alone_and_in_a_batch_the_reference_embedding()
    {
        // A single face stays channels-last to the end; a batch of float32 faces continues in NCHW layout from Mixed_6a
        // on (SmallGridLayout), with other 1×1 convolution kernels. Both must give facenet-pytorch's embeddings.
        using var model = reference.LoadedModel();
        using var fused = model.Fuse();
        using var inference = inference_mode();
        using Tensor batch = fused.Embed(reference.AlignedInputs);
        int count = (int)reference.AlignedInputs.shape[0];
        count.Should().BeGreaterThanOrEqualTo(2, "the fixture must hold a batch for the NCHW path to run");

        for (int face = 0; face < count; face++)
        {
            using Tensor alone = fused.Embed(reference.AlignedInputs[face..(face + 1)]);
            using Tensor expected = reference.Embeddings[face..(face + 1)];
            using Tensor inBatch = batch[face..(face + 1)];
            FaceNetReference.MaxAbsDifference(alone, expected).Should().BeLessThan(1e-4f, $"face {face} alone");
            FaceNetReference.MaxAbsDifference(inBatch, expected).Should().BeLessThan(1e-4f, $"face {face} in the batch");
        }
    }

    [Fact]
    public void The_bfloat16_fused_network_keeps_embeddings_within_cosine_0_999()
    {
        using var model = reference.LoadedModel();
        using var fused = model.Fuse(ScalarType.BFloat16);
        using var inference = inference_mode();

        using Tensor embeddings = fused.Embed(reference.AlignedInputs);

        float cosine = FaceNetReference.MinCosine(embeddings, reference.Embeddings);
        output.WriteLine($"bfloat16 fused path: min cosine {cosine:F5}");
        fused.ComputeType.Should().Be(ScalarType.BFloat16);
        embeddings.dtype.Should().Be(ScalarType.Float32);
        cosine.Should().BeGreaterThanOrEqualTo(0.999f);
    }

    [Fact]
    public void The_fused_network_owns_copies_of_the_weights_outliving_scopes_and_later_changes()
    {
        using var model = reference.LoadedModel();
        FusedInceptionResnetV1 fusedInScope;
        using (NewDisposeScope())
        {
            fusedInScope = model.Fuse(ScalarType.BFloat16);
        }
        using var bfloat16 = fusedInScope;
        using var fused = model.Fuse();
        using (no_grad())
        {
            foreach (var parameter in model.parameters()) parameter.zero_();
        }
        using var inference = inference_mode();

        using Tensor embeddings = fused.Embed(reference.AlignedInputs);
        using Tensor bfloat16Embeddings = bfloat16.Embed(reference.AlignedInputs);

        FaceNetReference.MaxAbsDifference(embeddings, reference.Embeddings).Should().BeLessThan(1e-4f);
        FaceNetReference.MinCosine(bfloat16Embeddings, reference.Embeddings).Should().BeGreaterThanOrEqualTo(0.999f);
    }

    [Fact]
    public void The_smallest_accepted_input_size_is_the_smallest_the_network_can_process()
    {
        using var model = reference.LoadedModel();
        using var inference = inference_mode();
        using Tensor smallest = zeros(1, 3, InceptionResnetV1.MinimumInputSize, InceptionResnetV1.MinimumInputSize);
        using Tensor tooSmall = zeros(1, 3, InceptionResnetV1.MinimumInputSize - 1, InceptionResnetV1.MinimumInputSize - 1);

        using Tensor embedding = model.Embed(smallest);
        embedding.shape.Should().Equal(1, 512);
        embedding.norm().item<float>().Should().BeApproximately(1f, 1e-5f);
        var process = () => model.Embed(tooSmall).Dispose();
        process.Should().Throw<Exception>();
    }

    [Fact]
    public void Classify_mode_needs_a_number_of_classes_and_classifying_needs_a_logits_layer()
    {
        var classifyWithoutClasses = () => new InceptionResnetV1(classify: true);
        classifyWithoutClasses.Should().Throw<ArgumentException>().WithParameterName("numClasses");
        var noClasses = () => new InceptionResnetV1(numClasses: 0);
        noClasses.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("numClasses");

        using var embedder = new InceptionResnetV1();
        embedder.ClassCount.Should().BeNull();
        embedder.state_dict().Keys.Should().NotContain(key => key.StartsWith("logits.", StringComparison.Ordinal));
        using Tensor input = zeros(1, 3, 160, 160);
        var classify = () => embedder.Classify(input);
        classify.Should().Throw<InvalidOperationException>().WithMessage("*logits*");
        using var casia = new InceptionResnetV1(numClasses: InceptionResnetV1.CasiaWebFaceClassCount);
        casia.ClassCount.Should().Be(10575);
    }

    [Fact]
    public void A_checkpoint_with_other_keys_is_rejected_with_every_problem_listed()
    {
        using var model = new InceptionResnetV1();
        var load = () => model.LoadStateDict(reference.StateDict);
        load.Should().Throw<StateDictMismatchException>().WithMessage("*logits.weight*");
    }
}
