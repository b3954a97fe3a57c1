using FaceEmbeddings.Clustering;

namespace FaceEmbeddings.Tests.Clustering;

public sealed class ClusterAgreementTests
{
    [Fact]
    public void Identical_partitions_score_one_whatever_the_label_names()
    {
        int[] people = [0, 0, 1, 1, 2];
        string[] clusters = ["b", "b", "a", "a", "c"];
        ClusterAgreement.AdjustedRandIndex(people, clusters).Should().Be(1.0);
    }

    [Fact]
    public void Splitting_one_of_two_pairs_scores_four_sevenths()
    {
        // scikit-learn's documented example, adjusted_rand_score([0, 0, 1, 1], [0, 0, 1, 2]) = 0.57. By hand: the
        // contingency cells are 2, 1, 1, so 1 pair agrees; the true sizes 2, 2 give 2 pairs, the predicted 2, 1, 1 give 1;
        // expected 2 × 1 / C(4, 2) = 1/3, maximum (2 + 1) / 2 = 3/2: (1 − 1/3) / (3/2 − 1/3) = 4/7.
        int[] people = [0, 0, 1, 1], clusters = [0, 0, 1, 2];
        ClusterAgreement.AdjustedRandIndex(people, clusters).Should().BeApproximately(4.0 / 7.0, 1e-12);
        ClusterAgreement.AdjustedRandIndex(clusters, people).Should().BeApproximately(4.0 / 7.0, 1e-12, "the index is symmetric");
    }

    [Fact]
    public void Crossed_pairs_score_below_chance()
    {
        // [0, 0, 1, 1] against [0, 1, 0, 1]: no pair agrees; expected 2 × 2 / 6 = 2/3, maximum 2: (0 − 2/3) / (2 − 2/3) = −1/2.
        int[] people = [0, 0, 1, 1], clusters = [0, 1, 0, 1];
        ClusterAgreement.AdjustedRandIndex(people, clusters).Should().BeApproximately(-0.5, 1e-12);
    }

    [Fact]
    public void Everyone_in_one_cluster_against_three_people_scores_zero()
    {
        // The unaligned figure: one cluster of everyone. Index = expected = Σ C(aᵢ, 2), so the numerator is 0.
        int[] people = [0, 0, 0, 1, 1, 2, 2, 2, 2];
        ClusterAgreement.AdjustedRandIndex(people, Enumerable.Repeat(7, people.Length).ToArray()).Should().BeApproximately(0.0, 1e-12);
    }

    [Fact]
    public void A_larger_case_matches_the_formula_worked_by_hand()
    {
        // Truth 3+3+2 items, prediction merges the 2 into the second group and moves one item of the first out:
        // truth    a a a b b b c c
        // clusters 1 1 2 2 2 2 2 2
        // cells: (a,1)=2, (a,2)=1, (b,2)=3, (c,2)=2 → Σ C = 1 + 0 + 3 + 1 = 5
        // truth sizes 3,3,2 → 3 + 3 + 1 = 7; cluster sizes 2,6 → 1 + 15 = 16; C(8,2) = 28
        // expected 7 × 16 / 28 = 4; maximum (7 + 16) / 2 = 11.5; ARI = (5 − 4) / (11.5 − 4) = 2/15.
        string[] truth = ["a", "a", "a", "b", "b", "b", "c", "c"];
        int[] clusters = [1, 1, 2, 2, 2, 2, 2, 2];
        ClusterAgreement.AdjustedRandIndex(truth, clusters).Should().BeApproximately(2.0 / 15.0, 1e-12);
    }

    [Fact]
    public void Mismatched_or_empty_inputs_are_refused_naming_the_problem()
    {
        int[] two = [1, 2], one = [1];
        FluentActions.Invoking(() => ClusterAgreement.AdjustedRandIndex(two, one))
            .Should().Throw<ArgumentException>().WithMessage("*has 1 labels*has 2*");
        FluentActions.Invoking(() => ClusterAgreement.AdjustedRandIndex(Array.Empty<int>(), Array.Empty<int>()))
            .Should().Throw<ArgumentException>().WithMessage("*at least one item*");
    }
}
