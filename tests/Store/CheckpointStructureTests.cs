using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Models.Store;
using FaceEmbeddings.Tests.FaceNet;
using FaceEmbeddings.Tests.Infrastructure;
using static FaceEmbeddings.Tests.Store.StoreTestContext;

namespace FaceEmbeddings.Tests.Store;

/// <summary>Structure validators on real checkpoints, and the vetting of a model without a trusted hash end to end.</summary>
public class CheckpointStructureTests
{
    private static readonly Dictionary<string, long[]> PNetShapes = new()
    {
        ["conv1.weight"] = [10, 3, 3, 3],
        ["conv4_2.weight"] = [4, 32, 1, 1],
    };

    [Fact]
    public void The_InceptionResnetV1_check_accepts_a_checkpoint_with_facenet_pytorch_shapes()
    {
        // The fixture has exactly the keys and shapes of the VGGFace2 file (shared/fixtures/README.md).
        var check = CheckpointStructure.InceptionResnetV1(Models.FaceNet.InceptionResnetV1.VggFace2ClassCount);

        check(SharedData.PathOf(FaceNetReference.CheckpointPath)).Should().BeTrue();
    }

    [Fact]
    public void The_CASIA_WebFace_entry_rejects_a_checkpoint_with_another_classifier()
    {
        ModelInfo casia = ModelCatalog.BuiltIn.Single(model => model.Name == ModelCatalog.CasiaWebFace);
        string vggFace2Shaped = SharedData.PathOf(FaceNetReference.CheckpointPath);

        casia.Invoking(model => model.StructureValidator!(vggFace2Shaped)).Should().Throw<CheckpointFormatException>()
            .WithMessage("*'logits.weight' is [8631, 512], not [10575, 512]; 'logits.bias' is [8631], not [10575].");
    }

    [Fact]
    public void A_checkpoint_of_another_network_is_rejected_naming_what_is_missing()
    {
        var check = CheckpointStructure.InceptionResnetV1(Models.FaceNet.InceptionResnetV1.CasiaWebFaceClassCount);

        FluentActions.Invoking(() => check(SharedData.PathOf("models/mtcnn/pnet.pt"))).Should().Throw<CheckpointFormatException>()
            .WithMessage("*'conv2d_1a.conv.weight' is missing; 'last_linear.weight' is missing*");
    }

    [Fact]
    public void A_file_that_is_not_a_checkpoint_is_rejected()
    {
        var check = CheckpointStructure.Expecting(PNetShapes);

        FluentActions.Invoking(() => check(SharedData.PathOf("fixtures/checkpoints/not-a-checkpoint.pt")))
            .Should().Throw<CheckpointFormatException>();
    }

    [Fact]
    public async Task A_downloaded_checkpoint_without_a_trusted_hash_is_vetted_and_its_hash_recorded()
    {
        byte[] pnet = await File.ReadAllBytesAsync(SharedData.PathOf("models/mtcnn/pnet.pt"));
        await using var context = Start(exchange => exchange.RespondAsync(200, pnet));
        context.Store.Register(context.Model with
        {
            Sha256 = null,
            SizeInBytes = null,
            StructureValidator = CheckpointStructure.Expecting(PNetShapes),
        });

        string path = await context.GetAsync();

        (await File.ReadAllBytesAsync(path)).Should().Equal(pnet);
        // The hash shared/README.md publishes for pnet.pt.
        (await File.ReadAllTextAsync(path + ".sha256")).Should().StartWith("a2a71925e0b9996a42f63e47efc1ca19043e69558b5c523b978d611dfae49c8f  ");
    }

    [Fact]
    public async Task A_downloaded_file_that_is_not_a_checkpoint_is_discarded()
    {
        await using var context = Start(ServePayload);
        context.Store.Register(context.Model with { Sha256 = null, StructureValidator = CheckpointStructure.Expecting(PNetShapes) });

        var failure = (await context.Invoking(c => c.GetAsync()).Should().ThrowAsync<ModelVerificationException>()).Which;

        failure.InnerException.Should().BeOfType<CheckpointFormatException>();
        context.FilesBesidesLock().Should().BeEmpty();
    }
}
