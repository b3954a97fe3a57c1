using static TorchSharp.torch;

namespace FaceEmbeddings.Models.FaceApi;

/// <summary>AgeGenderNet's two fully connected heads on the pooled features: age in years and the gender logits.</summary>
internal sealed class AgeGenderHeads : nn.Module
{
    // Field names are face-api's weight names (fc/age, fc/gender).
    private readonly FullyConnected age;
    private readonly FullyConnected gender;

    public AgeGenderHeads(long features) : base("fc")
    {
        age = new FullyConnected(nameof(age), features, 1);
        gender = new FullyConnected(nameof(gender), features, 2);
        RegisterComponents();
    }

    /// <summary>N×features → (N ages, N×2 gender logits [male, female]).</summary>
    public (Tensor Age, Tensor GenderLogits) Apply(Tensor features)
    {
        using var scope = NewDisposeScope();
        Tensor ages = age.Apply(features).squeeze(1);
        return (ages.MoveToOuterDisposeScope(), gender.Apply(features).MoveToOuterDisposeScope());
    }
}
