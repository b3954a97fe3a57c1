using FaceEmbeddings.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Audit;

/// <summary>
/// The pair distances of a set of people, summed per pair of people, so that any figure of a resample (or a relabelling)
/// of those people is a weighted sum instead of a recomputation: with w_p the number of times person p is drawn, a sum
/// over the face pairs of the resample is Σ_{p≠q} w_p w_q X_pq (pairs of two different draws) + Σ_p w_p X_pp (pairs
/// within one draw). Two draws of the same person are never a pair: a person compared with a copy of themselves is
/// neither a different-person pair nor a new same-person pair. Every sum is over ordered face pairs (i ≠ j) in float64.
/// </summary>
/// <remarks>
/// The sums, per pair of people (p, q): of the squared Euclidean distances (for the WSS, which is always Euclidean),
/// of the audit-metric distances, of the face pairs, and of the face pairs strictly below each threshold. Holds a few
/// F×F matrices of the F faces at once while building, and 3 + K matrices of P×P after.
/// </remarks>
internal sealed class PersonPairSums
{
    private const int FirstThreshold = GroupFigureSamples.FirstThreshold;

    /// <summary>[P, m·P]: row p holds, for each sum j, the sums X_j[p, q] over other people q (zero at q = p).</summary>
    private readonly Tensor quadratic;

    /// <summary>[P, m]: the sums within each person.</summary>
    private readonly Tensor linear;

    /// <summary>[P]: each person's number of faces.</summary>
    private readonly Tensor faces;

    private PersonPairSums(Tensor quadratic, Tensor linear, Tensor faces, int people, int thresholds, double[] genuine, double[] impostor)
    {
        this.quadratic = quadratic;
        this.linear = linear;
        this.faces = faces;
        People = people;
        Thresholds = thresholds;
        SamePersonDistances = genuine;
        DifferentPersonDistances = impostor;
    }

    /// <summary>How many people the sums cover, P.</summary>
    public int People { get; }

    /// <summary>How many thresholds the false-match counts cover, K.</summary>
    public int Thresholds { get; }

    /// <summary>The distances of the same-person pairs (i &lt; j), when asked for; else empty.</summary>
    public IReadOnlyList<double> SamePersonDistances { get; }

    /// <summary>The distances of the different-person pairs (i &lt; j), when asked for; else empty.</summary>
    public IReadOnlyList<double> DifferentPersonDistances { get; }

    /// <summary>Sums the pair distances of <paramref name="persons"/> (indices into <paramref name="people"/>) in the caller's dispose scope.</summary>
    /// <param name="embeddings">All N×D embeddings.</param>
    /// <param name="people">Who each face is.</param>
    /// <param name="persons">The people to cover, in the order the weights will use.</param>
    /// <param name="metric">The audit's distance.</param>
    /// <param name="thresholds">Distance thresholds: a pair below one is a match.</param>
    /// <param name="keepDistances">Whether to keep the same- and different-person pair distances (for DET curves).</param>
    public static PersonPairSums Of(Tensor embeddings, AuditPeople people, IReadOnlyList<int> persons, DistanceMetric metric,
        IReadOnlyList<double> thresholds, bool keepDistances)
    {
        var rows = new List<long>();
        var personOfRow = new List<long>();
        for (int local = 0; local < persons.Count; local++)
        {
            foreach (int face in people.FacesOfPerson[persons[local]])
            {
                rows.Add(face);
                personOfRow.Add(local);
            }
        }
        int p = persons.Count, f = rows.Count, m = FirstThreshold + thresholds.Count;
        Device device = embeddings.device;
        Tensor x = embeddings.index_select(0, tensor(rows.ToArray(), device: device));
        Tensor distances = Distances.Pairwise(x, metric: metric).to(ScalarType.Float64);                        // [F, F]
        Tensor squared = metric == DistanceMetric.Euclidean ? distances.mul(distances)
            : Distances.Pairwise(x, metric: DistanceMetric.SquaredEuclidean).to(ScalarType.Float64);
        Tensor otherFace = ones(f, f, ScalarType.Float64, device) - eye(f, dtype: ScalarType.Float64, device: device);
        Tensor limits = tensor(thresholds.ToArray(), ScalarType.Float64, device);

        // Face-pair matrices, summed into person-pair matrices one at a time (to hold few F×F matrices at once).
        Tensor personOf = tensor(personOfRow.ToArray(), device: device);
        bool onePerFace = f == p;
        Tensor? membership = onePerFace ? null : nn.functional.one_hot(personOf, p).to(ScalarType.Float64);   // [F, P]
        Tensor ToPeople(Tensor facePairs) => membership is null ? facePairs : membership.t().matmul(facePairs).matmul(membership);
        var perPerson = new List<Tensor>(m)
        {
            ToPeople(squared.mul(otherFace)),
            ToPeople(distances.mul(otherFace)),
            ToPeople(otherFace),
        };
        for (int k = 0; k < thresholds.Count; k++)
            perPerson.Add(ToPeople(distances.lt(limits[k]).to(ScalarType.Float64).mul_(otherFace)));
        Tensor sums = stack(perPerson);                                                                         // [m, P, P]
        Tensor linear = sums.diagonal(0, 1, 2).t().contiguous();                                               // [P, m]
        Tensor otherPerson = ones(p, p, ScalarType.Float64, device) - eye(p, dtype: ScalarType.Float64, device: device);
        Tensor quadratic = sums.mul(otherPerson).permute(1, 0, 2).reshape(p, m * p).contiguous();            // [P, m·P]
        Tensor faces = tensor(persons.Select(person => (double)people.FacesOfPerson[person].Count).ToArray(), ScalarType.Float64, device);

        double[] genuine = [], impostor = [];
        if (keepDistances)
        {
            Tensor upper = ones(f, f, ScalarType.Bool, device).triu(1);
            Tensor same = personOf.unsqueeze(1).eq(personOf.unsqueeze(0));
            genuine = distances.masked_select(upper.logical_and(same)).cpu().data<double>().ToArray();
            impostor = distances.masked_select(upper.logical_and(same.logical_not())).cpu().data<double>().ToArray();
        }
        return new PersonPairSums(quadratic, linear, faces, p, thresholds.Count, genuine, impostor);
    }

    /// <summary>
    /// The group figures of each row of <paramref name="weights"/> ([B, P], float64 on the sums' device): how often each
    /// person is drawn (a bootstrap resample), or 0/1 (a subset of the people, as a permutation test's relabelling).
    /// </summary>
    public GroupFigureSamples Figures(Tensor weights)
    {
        using var scope = NewDisposeScope();
        long b = weights.shape[0];
        int m = FirstThreshold + Thresholds;
        Tensor across = weights.matmul(quadratic).view(b, m, People).mul(weights.unsqueeze(1)).sum(2);            // [B, m]
        Tensor within = weights.matmul(linear);                                                                  // [B, m]
        Tensor faces = weights.matmul(this.faces);                                                               // [B]
        return Samples(across, within, faces);
    }

    /// <summary>
    /// How many weightings one <see cref="Figures"/> call may take so that its intermediate products ([B, m·P] float64,
    /// two at a time) stay within <paramref name="elements"/> values; at least one.
    /// </summary>
    public int WeightingsWithin(long elements) => (int)Math.Clamp(elements / (2L * (FirstThreshold + Thresholds) * People), 1, int.MaxValue);

    /// <summary>
    /// The group figures with each person left out in turn (the jackknife of the bias-corrected intervals), row i without
    /// person i: the same sums at weights of one, less person i's row and column (the sums are symmetric) and their own
    /// sums, so that no [P, P] weight matrix is multiplied.
    /// </summary>
    public GroupFigureSamples LeaveOneOut()
    {
        using var scope = NewDisposeScope();
        int m = FirstThreshold + Thresholds;
        using Scalar two = 2.0.ToScalar();
        Tensor rows = quadratic.view(People, m, People).sum(2);                                                  // [P, m]
        Tensor across = rows.sum(0, keepdim: true).sub(rows.mul(two));                                           // [P, m]
        Tensor within = linear.sum(0, keepdim: true).sub(linear);                                                // [P, m]
        Tensor faces = this.faces.sum().sub(this.faces);                                                         // [P]
        return Samples(across, within, faces);
    }

    /// <summary>Copies [B, m] sums across and within people and [B] face counts to the figures of B weightings.</summary>
    private GroupFigureSamples Samples(Tensor across, Tensor within, Tensor faces) => new(
        across.cpu().data<double>().ToArray(), within.cpu().data<double>().ToArray(), faces.cpu().data<double>().ToArray(),
        FirstThreshold + Thresholds, Thresholds);
}
