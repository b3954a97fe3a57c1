using FaceEmbeddings.Metrics;
using FaceEmbeddings.Recognition;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Recognition;

/// <summary>
/// What every <see cref="IFaceGallery"/> does, whatever stores it: enrol, remove, count, list, search (exactly, by
/// closest face or centroid, with a threshold), reopen, and stay consistent under concurrent searches. A backend's
/// test class derives from this one and says how to create and reopen its gallery; every test here then runs on it.
/// Expected answers come from brute force in float64 over the test's own copy of the embeddings.
/// </summary>
public abstract class FaceGalleryContractTests
{
    /// <summary>Creates an empty gallery for <paramref name="descriptor"/>; the test disposes it.</summary>
    protected abstract Task<IFaceGallery> CreateGalleryAsync(GalleryDescriptor descriptor);

    /// <summary>
    /// Opens what <paramref name="gallery"/> has stored as a new gallery object, as a later process would (a file is
    /// saved and loaded; a database is reconnected to). The test disposes both galleries.
    /// </summary>
    protected abstract Task<IFaceGallery> ReopenAsync(IFaceGallery gallery);

    /// <summary>How far a reported distance may be from the float64 brute-force distance, relatively and absolutely.</summary>
    protected virtual double DistanceTolerance => 1e-5;

    private static GalleryDescriptor Descriptor(int size = 16, DistanceMetric metric = DistanceMetric.Euclidean) => new("contract-test", size, metric);

    [Fact]
    public async Task A_new_gallery_is_empty_and_finds_no_one()
    {
        using IFaceGallery gallery = await CreateGalleryAsync(Descriptor());
        using var queries = RandomRows(3, 16, seed: 1);

        (await gallery.CountAsync()).Should().Be(new GalleryCounts(0, 0));
        (await gallery.ListIdentitiesAsync()).Should().BeEmpty();
        IReadOnlyList<GallerySearchResult> results = await gallery.SearchAsync(queries);
        results.Should().HaveCount(3).And.OnlyContain(result => result.IsUnknown && result.Best == null);
        gallery.Descriptor.Should().Be(Descriptor());
    }

    [Fact]
    public async Task Enrolment_returns_one_distinct_id_per_face_and_accepts_a_single_vector()
    {
        using IFaceGallery gallery = await CreateGalleryAsync(Descriptor());
        using var three = RandomRows(3, 16, seed: 2);
        using var one = RandomRows(1, 16, seed: 3);
        using var single = one[0];

        IReadOnlyList<long> first = await gallery.EnrollAsync("ada", three);
        IReadOnlyList<long> second = await gallery.EnrollAsync("grace", single);
        IReadOnlyList<long> third = await gallery.EnrollAsync("ada", one);

        first.Should().HaveCount(3);
        second.Should().HaveCount(1);
        third.Should().HaveCount(1);
        first.Concat(second).Concat(third).Should().OnlyHaveUniqueItems();
        (await gallery.CountAsync()).Should().Be(new GalleryCounts(2, 5));
    }

    [Fact]
    public async Task Identities_are_listed_by_ordinal_name_with_face_counts_and_metadata_replaced_only_when_given()
    {
        using IFaceGallery gallery = await CreateGalleryAsync(Descriptor());
        using var rows = RandomRows(6, 16, seed: 4);
        await gallery.EnrollAsync("b", rows.narrow(0, 0, 1), new Dictionary<string, string> { ["team"] = "red" });
        await gallery.EnrollAsync("B", rows.narrow(0, 1, 2));
        await gallery.EnrollAsync("é", rows.narrow(0, 3, 1), new Dictionary<string, string> { ["k"] = "v", ["x"] = "" });
        await gallery.EnrollAsync("b", rows.narrow(0, 4, 1));                                               // keeps metadata
        await gallery.EnrollAsync("B", rows.narrow(0, 5, 1), new Dictionary<string, string> { ["team"] = "blue" }); // replaces it

        IReadOnlyList<GalleryIdentity> identities = await gallery.ListIdentitiesAsync();

        identities.Select(identity => identity.Name).Should().Equal("B", "b", "é");
        identities.Select(identity => identity.FaceCount).Should().Equal(3, 2, 1);
        identities[0].Metadata.Should().BeEquivalentTo(new Dictionary<string, string> { ["team"] = "blue" });
        identities[1].Metadata.Should().BeEquivalentTo(new Dictionary<string, string> { ["team"] = "red" });
        identities[2].Metadata.Should().BeEquivalentTo(new Dictionary<string, string> { ["k"] = "v", ["x"] = "" });
    }

    [Fact]
    public async Task Removing_faces_and_identities_takes_them_out_of_counts_lists_and_searches()
    {
        using IFaceGallery gallery = await CreateGalleryAsync(Descriptor());
        using var rows = RandomRows(6, 16, seed: 5);
        IReadOnlyList<long> ada = await gallery.EnrollAsync("ada", rows.narrow(0, 0, 2));
        IReadOnlyList<long> grace = await gallery.EnrollAsync("grace", rows.narrow(0, 2, 3));
        IReadOnlyList<long> alan = await gallery.EnrollAsync("alan", rows.narrow(0, 5, 1));

        (await gallery.RemoveFaceAsync(ada[0])).Should().BeTrue();
        (await gallery.RemoveFaceAsync(ada[0])).Should().BeFalse();
        (await gallery.RemoveIdentityAsync("grace")).Should().BeTrue();
        (await gallery.RemoveIdentityAsync("grace")).Should().BeFalse();
        (await gallery.RemoveIdentityAsync("nobody")).Should().BeFalse();
        (await gallery.RemoveFaceAsync(grace[1])).Should().BeFalse();

        (await gallery.CountAsync()).Should().Be(new GalleryCounts(2, 2));
        (await gallery.ListIdentitiesAsync()).Select(identity => (identity.Name, identity.FaceCount)).Should().Equal(("ada", 1), ("alan", 1));
        var found = await gallery.SearchAsync(rows, new GallerySearchOptions { Threshold = 1e-3 });
        found.Select(result => result.Best?.FaceId).Should().Equal(null, ada[1], null, null, null, alan[0]);

        // The last face of an identity takes the identity with it.
        (await gallery.RemoveFaceAsync(alan[0])).Should().BeTrue();
        (await gallery.ListIdentitiesAsync()).Select(identity => identity.Name).Should().Equal("ada");
        (await gallery.CountAsync()).Should().Be(new GalleryCounts(1, 1));
    }

    [Fact]
    public async Task An_erased_identity_is_gone_from_what_the_gallery_stored_and_its_name_enrolled_again_starts_afresh()
    {
        using IFaceGallery gallery = await CreateGalleryAsync(Descriptor());
        using var rows = RandomRows(6, 16, seed: 21);
        await gallery.EnrollAsync("ada", rows.narrow(0, 0, 2));
        await gallery.EnrollAsync("grace", rows.narrow(0, 2, 3), new Dictionary<string, string> { ["badge"] = "42" });

        (await gallery.RemoveIdentityAsync("grace")).Should().BeTrue();
        using IFaceGallery reopened = await ReopenAsync(gallery);

        (await reopened.CountAsync()).Should().Be(new GalleryCounts(1, 2));
        (await reopened.ListIdentitiesAsync()).Select(identity => identity.Name).Should().Equal("ada");
        foreach (IdentityScoring scoring in new[] { IdentityScoring.ClosestFace, IdentityScoring.Centroid })
        {
            var found = await reopened.SearchAsync(rows.narrow(0, 2, 3), new GallerySearchOptions { TopK = 5, Scoring = scoring });
            found.SelectMany(result => result.Matches).Select(match => match.Identity).Should().OnlyContain(name => name == "ada");
        }
        await reopened.EnrollAsync("grace", rows.narrow(0, 5, 1));
        GalleryIdentity again = (await reopened.ListIdentitiesAsync()).Single(identity => identity.Name == "grace");
        again.FaceCount.Should().Be(1, "none of the erased person's faces come back");
        again.Metadata.Should().BeEmpty("nor their metadata");
    }

    [Fact]
    public async Task Closest_face_and_centroid_scoring_rank_identities_differently_as_defined()
    {
        // On a line through the query (at the origin): ada has faces at 1 and 5 (centroid 3), grace one face at 2.
        using IFaceGallery gallery = await CreateGalleryAsync(Descriptor(size: 4));
        using var adaRows = tensor(new float[,] { { 1, 0, 0, 0 }, { 5, 0, 0, 0 } });
        using var graceRow = tensor(new float[] { 0, 2, 0, 0 });
        using var query = zeros(4);
        IReadOnlyList<long> ada = await gallery.EnrollAsync("ada", adaRows);
        await gallery.EnrollAsync("grace", graceRow);

        GallerySearchResult closest = (await gallery.SearchAsync(query, new GallerySearchOptions { TopK = 2 })).Single();
        GallerySearchResult centroid = (await gallery.SearchAsync(query, new GallerySearchOptions { TopK = 2, Scoring = IdentityScoring.Centroid })).Single();

        closest.Matches.Select(match => match.Identity).Should().Equal("ada", "grace");
        closest.Matches.Select(match => match.Distance).Should().Equal([1.0, 2.0], (a, b) => Math.Abs(a - b) < 1e-6);
        closest.Matches[0].FaceId.Should().Be(ada[0]);
        centroid.Matches.Select(match => match.Identity).Should().Equal("grace", "ada");
        centroid.Matches.Select(match => match.Distance).Should().Equal([2.0, 3.0], (a, b) => Math.Abs(a - b) < 1e-6);
        centroid.Matches.Should().OnlyContain(match => match.FaceId == null);
    }

    [Theory]
    [InlineData(IdentityScoring.ClosestFace)]
    [InlineData(IdentityScoring.Centroid)]
    public async Task The_threshold_keeps_only_identities_strictly_below_it_and_a_query_with_none_is_unknown(IdentityScoring scoring)
    {
        using IFaceGallery gallery = await CreateGalleryAsync(Descriptor(size: 4));
        using var near = tensor(new float[] { 1, 0, 0, 0 });
        using var far = tensor(new float[] { 0, 3, 0, 0 });
        using var queries = tensor(new float[,] { { 0, 0, 0, 0 }, { 0, 0, 0, 10 } });
        await gallery.EnrollAsync("near", near);
        await gallery.EnrollAsync("far", far);

        var below2 = await gallery.SearchAsync(queries, new GallerySearchOptions { TopK = 5, Threshold = 2, Scoring = scoring });
        var at3 = await gallery.SearchAsync(queries, new GallerySearchOptions { TopK = 5, Threshold = 3, Scoring = scoring });
        var none = await gallery.SearchAsync(queries, new GallerySearchOptions { TopK = 5, Scoring = scoring });

        below2[0].Matches.Select(match => match.Identity).Should().Equal("near");
        below2[1].IsUnknown.Should().BeTrue();
        at3[0].Matches.Select(match => match.Identity).Should().Equal("near");   // "far" lies at exactly 3: not below
        none[0].Matches.Select(match => match.Identity).Should().Equal("near", "far");
        none[1].Matches.Should().HaveCount(2);
    }

    public static TheoryData<int, DistanceMetric, IdentityScoring> BruteForceCases()
    {
        var cases = new TheoryData<int, DistanceMetric, IdentityScoring>();
        foreach (int faces in new[] { 1, 37, 500, 2500 })
            foreach (DistanceMetric metric in Enum.GetValues<DistanceMetric>())
                foreach (IdentityScoring scoring in Enum.GetValues<IdentityScoring>())
                    cases.Add(faces, metric, scoring);
        return cases;
    }

    [Theory]
    [MemberData(nameof(BruteForceCases))]
    public async Task Search_finds_exactly_the_identities_brute_force_finds(int faceCount, DistanceMetric metric, IdentityScoring scoring)
    {
        const int size = 24, topK = 4;
        var random = new Random(faceCount * 7 + (int)metric * 3 + (int)scoring);
        using IFaceGallery gallery = await CreateGalleryAsync(Descriptor(size, metric));
        using var rows = RandomRows(faceCount, size, seed: faceCount + (int)metric);
        float[][] faces = HostRows(rows);
        var identityOfFace = new string[faceCount];
        var faceIds = new long[faceCount];
        for (int start = 0, person = 0; start < faceCount; person++)
        {
            int length = Math.Min(faceCount - start, random.Next(1, 6));
            IReadOnlyList<long> ids = await gallery.EnrollAsync($"person-{person:D4}", rows.narrow(0, start, length));
            for (int i = 0; i < length; i++)
            {
                identityOfFace[start + i] = $"person-{person:D4}";
                faceIds[start + i] = ids[i];
            }
            start += length;
        }
        // Random queries, and gallery faces themselves (distance 0 to their own identity).
        using var randomQueries = RandomRows(9, size, seed: 1000 + faceCount);
        using var queries = cat([randomQueries, rows.narrow(0, 0, Math.Min(3, faceCount))], 0);
        float[][] hostQueries = HostRows(queries);

        IReadOnlyList<GallerySearchResult> results = await gallery.SearchAsync(queries, new GallerySearchOptions { TopK = topK, Scoring = scoring });

        results.Should().HaveCount(hostQueries.Length);
        int identityCount = identityOfFace.Distinct().Count();
        for (int q = 0; q < hostQueries.Length; q++)
        {
            Dictionary<string, double> expected = ReferenceScores(hostQueries[q], faces, identityOfFace, metric, scoring);
            double[] expectedTop = expected.Values.Order().Take(topK).ToArray();
            IReadOnlyList<IdentityMatch> matches = results[q].Matches;
            matches.Should().HaveCount(Math.Min(topK, identityCount), $"query {q} asks for {topK} of {identityCount} identities");
            matches.Select(match => match.Identity).Should().OnlyHaveUniqueItems();
            for (int m = 0; m < matches.Count; m++)
            {
                IdentityMatch match = matches[m];
                match.Distance.Should().BeApproximately(expected[match.Identity], Tolerance(expected[match.Identity]), $"query {q}, match {m} ({match.Identity})");
                match.Distance.Should().BeApproximately(expectedTop[m], Tolerance(expectedTop[m]), $"query {q}: match {m} is the {m + 1}-th nearest identity");
                if (scoring == IdentityScoring.Centroid)
                {
                    match.FaceId.Should().BeNull();
                    continue;
                }
                int face = Array.IndexOf(faceIds, match.FaceId!.Value);
                face.Should().BeGreaterThanOrEqualTo(0, "the face id is one the gallery gave out");
                identityOfFace[face].Should().Be(match.Identity);
                Reference(hostQueries[q], faces[face], metric).Should().BeApproximately(match.Distance, Tolerance(match.Distance));
            }
        }
    }

    [Fact]
    public async Task Invalid_arguments_are_refused_with_the_argument_named()
    {
        using IFaceGallery gallery = await CreateGalleryAsync(Descriptor(size: 16, metric: DistanceMetric.Cosine));
        using var good = RandomRows(2, 16, seed: 6);
        using var wrongSize = RandomRows(2, 15, seed: 7);
        using var cube = zeros(2, 2, 16);
        using var noRows = zeros(0, 16);
        using var withNaN = good.clone();
        withNaN[1, 3] = tensor(float.NaN);
        using var zeroRow = good.clone();
        zeroRow[0].zero_();
        using var integers = ones(2, 16, dtype: ScalarType.Int32);

        foreach (Tensor bad in new[] { wrongSize, cube, noRows, withNaN, zeroRow, integers })
        {
            (await FluentActions.Awaiting(() => gallery.EnrollAsync("ada", bad)).Should().ThrowAsync<ArgumentException>())
                .Which.ParamName.Should().Be("embeddings");
            (await FluentActions.Awaiting(() => gallery.SearchAsync(bad)).Should().ThrowAsync<ArgumentException>())
                .Which.ParamName.Should().Be("queries");
        }
        (await FluentActions.Awaiting(() => gallery.EnrollAsync("", good)).Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("identity");
        await FluentActions.Awaiting(() => gallery.EnrollAsync("ada", good, new Dictionary<string, string> { [""] = "x" })).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => gallery.SearchAsync(good, new GallerySearchOptions { TopK = 0 })).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => gallery.SearchAsync(good, new GallerySearchOptions { Threshold = -1 })).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => gallery.SearchAsync(good, new GallerySearchOptions { Threshold = double.NaN })).Should().ThrowAsync<ArgumentException>();
        (await gallery.CountAsync()).Should().Be(new GalleryCounts(0, 0), "nothing refused was written");
    }

    [Fact]
    public async Task A_cancelled_enrolment_writes_nothing()
    {
        using IFaceGallery gallery = await CreateGalleryAsync(Descriptor());
        using var rows = RandomRows(2, 16, seed: 8);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await FluentActions.Awaiting(() => gallery.EnrollAsync("ada", rows, cancellationToken: cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();

        (await gallery.CountAsync()).Should().Be(new GalleryCounts(0, 0));
    }

    [Fact]
    public async Task The_gallery_keeps_no_reference_to_the_tensors_it_is_given()
    {
        using IFaceGallery gallery = await CreateGalleryAsync(Descriptor());
        using var original = RandomRows(3, 16, seed: 9);
        var given = original.clone();
        IReadOnlyList<long> ids = await gallery.EnrollAsync("ada", given);
        given.copy_(ones_like(given));
        given.Dispose();

        var results = await gallery.SearchAsync(original, new GallerySearchOptions { Threshold = 1e-3 });

        results.Select(result => result.Best?.FaceId).Should().Equal(ids.Cast<long?>());
    }

    [Fact]
    public async Task Float64_queries_are_searched_like_float32_ones()
    {
        using IFaceGallery gallery = await CreateGalleryAsync(Descriptor());
        using var rows = RandomRows(20, 16, seed: 10);
        for (int i = 0; i < 20; i++) await gallery.EnrollAsync($"p{i:D2}", rows[i]);
        using var queries = RandomRows(5, 16, seed: 11);
        using var doubles = queries.to(ScalarType.Float64);

        var single = await gallery.SearchAsync(queries, new GallerySearchOptions { TopK = 3 });
        var dbl = await gallery.SearchAsync(doubles, new GallerySearchOptions { TopK = 3 });

        dbl.Select(result => result.Matches.Select(match => match.Identity).ToArray()).Should()
            .BeEquivalentTo(single.Select(result => result.Matches.Select(match => match.Identity).ToArray()), options => options.WithStrictOrdering());
    }

    [Fact]
    public async Task A_reopened_gallery_holds_the_same_identities_faces_and_answers_and_gives_out_new_ids()
    {
        using IFaceGallery gallery = await CreateGalleryAsync(Descriptor(size: 16, metric: DistanceMetric.Cosine));
        using var rows = RandomRows(12, 16, seed: 12);
        var ids = new List<long>();
        for (int i = 0; i < 4; i++)
            ids.AddRange(await gallery.EnrollAsync($"p{i}", rows.narrow(0, 3 * i, 3), new Dictionary<string, string> { ["index"] = $"{i}" }));
        await gallery.RemoveFaceAsync(ids[4]);
        await gallery.RemoveIdentityAsync("p2");
        using var queries = RandomRows(6, 16, seed: 13);
        var options = new GallerySearchOptions { TopK = 3 };
        var before = await gallery.SearchAsync(queries, options);
        var centroidsBefore = await gallery.SearchAsync(queries, options with { Scoring = IdentityScoring.Centroid });

        using IFaceGallery reopened = await ReopenAsync(gallery);

        reopened.Descriptor.Should().Be(gallery.Descriptor);
        (await reopened.CountAsync()).Should().Be(await gallery.CountAsync());
        (await reopened.ListIdentitiesAsync()).Should().BeEquivalentTo(await gallery.ListIdentitiesAsync(), o => o.WithStrictOrdering());
        AssertSameAnswers(await reopened.SearchAsync(queries, options), before);
        AssertSameAnswers(await reopened.SearchAsync(queries, options with { Scoring = IdentityScoring.Centroid }), centroidsBefore);
        IReadOnlyList<long> newIds = await reopened.EnrollAsync("p9", rows.narrow(0, 0, 2));
        newIds.Should().NotIntersectWith(ids, "face ids are never given out twice, also after removal");
    }

    [Fact]
    public async Task Concurrent_searches_see_each_enrolment_whole_and_in_the_order_it_happened()
    {
        const int people = 30, searchers = 8, size = 16;
        using IFaceGallery gallery = await CreateGalleryAsync(Descriptor(size));
        // Two faces per person, far from everyone else's; a query at each face finds its person within 1e-3 or no one.
        using var faces = RandomRows(2 * people, size, seed: 14);
        faces.mul_(tensor(10.0f));
        float[][] hostFaces = HostRows(faces);
        var options = new GallerySearchOptions { Threshold = 1e-3 };
        using var stop = new CancellationTokenSource();
        using var started = new CountdownEvent(searchers);

        Task<List<int>>[] searches = Enumerable.Range(0, searchers).Select(_ => Task.Run(async () =>
        {
            var seen = new List<int>();
            using var queries = tensor(hostFaces.SelectMany(row => row).ToArray()).reshape(2 * people, size);
            while (true)
            {
                // A search that starts after the last enrolment is each thread's last.
                bool last = stop.IsCancellationRequested;
                IReadOnlyList<GallerySearchResult> results = await gallery.SearchAsync(queries, options);
                string?[] found = results.Select(result => result.Best?.Identity).ToArray();
                int enrolled = 0;
                while (enrolled < people && found[2 * enrolled] is not null) enrolled++;
                for (int person = 0; person < people; person++)
                {
                    string? expected = person < enrolled ? $"p{person:D2}" : null;
                    found[2 * person].Should().Be(expected, $"a search saw the first {enrolled} enrolments, so person {person}'s first face is found exactly then");
                    found[2 * person + 1].Should().Be(expected, "an enrolment is seen whole: both faces or neither");
                }
                seen.Add(enrolled);
                if (seen.Count == 1) started.Signal();
                if (last) return seen;
            }
        })).ToArray();

        await Task.Run(started.Wait);
        for (int person = 0; person < people; person++)
            await gallery.EnrollAsync($"p{person:D2}", faces.narrow(0, 2 * person, 2));
        await stop.CancelAsync();
        List<int>[] observed = await Task.WhenAll(searches);

        foreach (List<int> seen in observed)
            seen.Should().BeInAscendingOrder("one thread's searches see enrolments in the order they happened");
        observed.Should().OnlyContain(seen => seen[0] == 0 && seen[seen.Count - 1] == people,
            "every thread searched before the first enrolment and after the last");
    }

    private double Tolerance(double distance) => DistanceTolerance * Math.Max(1, Math.Abs(distance));

    private void AssertSameAnswers(IReadOnlyList<GallerySearchResult> actual, IReadOnlyList<GallerySearchResult> expected)
    {
        actual.Should().HaveCount(expected.Count);
        for (int q = 0; q < expected.Count; q++)
        {
            actual[q].Matches.Select(match => (match.Identity, match.FaceId)).Should().Equal(expected[q].Matches.Select(match => (match.Identity, match.FaceId)));
            for (int m = 0; m < expected[q].Matches.Count; m++)
                actual[q].Matches[m].Distance.Should().BeApproximately(expected[q].Matches[m].Distance, Tolerance(expected[q].Matches[m].Distance));
        }
    }

    /// <summary>Each identity's distance to <paramref name="query"/>: to its closest face, or to the float64 mean of its faces.</summary>
    private static Dictionary<string, double> ReferenceScores(float[] query, float[][] faces, string[] identityOfFace, DistanceMetric metric, IdentityScoring scoring)
    {
        return identityOfFace.Select((identity, face) => (identity, face)).GroupBy(pair => pair.identity).ToDictionary(
            group => group.Key,
            group => scoring == IdentityScoring.ClosestFace
                ? group.Min(pair => Reference(query, faces[pair.face], metric))
                : Reference(query, Enumerable.Range(0, query.Length).Select(d => group.Average(pair => (double)faces[pair.face][d])).ToArray(), metric));
    }

    private static double Reference(float[] a, float[] b, DistanceMetric metric) => Reference(a, b.Select(value => (double)value).ToArray(), metric);

    private static double Reference(float[] a, double[] b, DistanceMetric metric)
    {
        double squared = 0, dot = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            squared += (a[i] - b[i]) * (a[i] - b[i]);
            dot += a[i] * b[i];
            aa += (double)a[i] * a[i];
            bb += b[i] * b[i];
        }
        return metric switch
        {
            DistanceMetric.Euclidean => Math.Sqrt(squared),
            DistanceMetric.SquaredEuclidean => squared,
            _ => 1 - dot / Math.Sqrt(aa * bb),
        };
    }

    private static Tensor RandomRows(long rows, long columns, long seed)
    {
        using var generator = new Generator((ulong)seed, CPU);
        return randn([rows, columns], generator: generator);
    }

    private static float[][] HostRows(Tensor rows)
    {
        float[] values = rows.contiguous().data<float>().ToArray();
        int width = (int)rows.shape[1];
        return Enumerable.Range(0, (int)rows.shape[0]).Select(r => values.AsSpan(r * width, width).ToArray()).ToArray();
    }
}
