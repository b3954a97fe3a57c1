using FaceEmbeddings.Runtime;

namespace FaceEmbeddings.Tests.Foundation;

public sealed class BudgetedChunksTests
{
    [Fact]
    public void Chunks_keep_the_order_and_stay_within_the_budget()
    {
        long[] weights = [3, 4, 2, 5, 1, 1, 6, 7, 0, 0];

        long[][] chunks = BudgetedChunks.Of(weights, weight => weight, budget: 7).ToArray();

        chunks.Should().BeEquivalentTo(new long[][] { [3, 4], [2, 5], [1, 1], [6], [7, 0, 0] }, options => options.WithStrictOrdering());
        chunks.SelectMany(chunk => chunk).Should().Equal(weights);
        chunks.Should().OnlyContain(chunk => chunk.Sum() <= 7);
    }

    [Fact]
    public void An_item_heavier_than_the_budget_goes_alone_with_only_weightless_items()
    {
        long[][] chunks = BudgetedChunks.Of(new long[] { 2, 10, 3, 11, 12, 0, 0, 1 }, weight => weight, budget: 5).ToArray();

        chunks.Should().BeEquivalentTo(new long[][] { [2], [10], [3], [11], [12, 0, 0], [1] }, options => options.WithStrictOrdering(),
            "items that weigh nothing join the chunk before them, even an oversized one");
    }

    [Fact]
    public void A_chunk_also_ends_at_the_count_limit()
    {
        int[][] chunks = BudgetedChunks.Of(Enumerable.Range(0, 5), _ => 1, budget: 100, maxCount: 2).ToArray();

        chunks.Should().BeEquivalentTo(new int[][] { [0, 1], [2, 3], [4] }, options => options.WithStrictOrdering());
    }

    [Fact]
    public void Weights_near_the_largest_long_do_not_overflow_the_sum()
    {
        long[][] chunks = BudgetedChunks.Of(new[] { long.MaxValue - 1, 1, long.MaxValue, 1 }, weight => weight, budget: long.MaxValue).ToArray();

        chunks.Should().BeEquivalentTo(new long[][] { [long.MaxValue - 1, 1], [long.MaxValue], [1] }, options => options.WithStrictOrdering());
    }

    [Fact]
    public void Items_are_taken_as_needed_and_at_most_one_ahead_of_the_chunk_given()
    {
        int taken = 0;
        IEnumerable<int> Items()
        {
            for (int i = 0; i < 6; i++)
            {
                taken++;
                yield return i;
            }
        }

        using IEnumerator<int[]> chunks = BudgetedChunks.Of(Items(), _ => 10, budget: 20, maxCount: 3).GetEnumerator();
        taken.Should().Be(0, "nothing is taken before the first chunk is asked for");

        chunks.MoveNext().Should().BeTrue();
        chunks.Current.Should().Equal(0, 1);
        taken.Should().Be(3, "the third item was weighed to find that it does not fit");

        using IEnumerator<int[]> byCount = BudgetedChunks.Of(Items(), _ => 1, budget: 20, maxCount: 3).GetEnumerator();
        taken = 0;
        byCount.MoveNext().Should().BeTrue();
        byCount.Current.Should().Equal(0, 1, 2);
        taken.Should().Be(3, "a chunk full by count is given without looking ahead");
    }

    [Fact]
    public void Nothing_in_gives_no_chunk()
    {
        BudgetedChunks.Of(Array.Empty<int>(), _ => 1, budget: 1).Should().BeEmpty();
    }

    [Theory]
    [InlineData(0, 1, "budget")]
    [InlineData(-5, 1, "budget")]
    [InlineData(1, 0, "maxCount")]
    public void Invalid_limits_are_refused_before_any_item_is_taken(long budget, int maxCount, string parameter)
    {
        bool taken = false;
        IEnumerable<int> Items()
        {
            taken = true;
            yield return 1;
        }

        Action chunk = () => BudgetedChunks.Of(Items(), _ => 1, budget, maxCount);

        chunk.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(parameter);
        taken.Should().BeFalse();
    }

    [Fact]
    public void A_negative_weight_is_refused()
    {
        Func<long[][]> chunk = () => BudgetedChunks.Of(new long[] { 1, -1 }, weight => weight, budget: 10).ToArray();

        chunk.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("weight");
    }
}
