using FaceEmbeddings.Detection;
using FaceEmbeddings.Tests.Infrastructure;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Detection;

/// <summary>The detector's worker threads. Creating them touches libtorch's thread count, so these run alone.</summary>
[Collection(WholeProcessTestGroup.Name)]
public sealed class TensorWorkersTests
{
    [Fact]
    public void Workers_run_on_their_share_of_threads_and_leave_every_other_threads_count_alone()
    {
        using IDisposable threadCount = WholeProcessTestGroup.LibTorchThreads(4);
        using var workers = new TensorWorkers(2, libTorchThreadsEach: 2);

        get_num_threads().Should().Be(4, "the creating thread keeps its count");
        int newThreadCount = 0;
        var fresh = new Thread(() => newThreadCount = get_num_threads());
        fresh.Start();
        fresh.Join();
        newThreadCount.Should().Be(4, "threads started later adopt the process's count, not the workers'");

        using var scope = NewDisposeScope();
        Tensor[][] seen = workers.Map(6, _ => [tensor(get_num_threads()), tensor(Environment.CurrentManagedThreadId)]);
        seen.Select(piece => piece[0].item<int>()).Should().OnlyContain(count => count == 2);
        seen.Select(piece => piece[1].item<int>()).Should().NotContain(Environment.CurrentManagedThreadId, "pieces run on the workers");
        get_num_threads().Should().Be(4);
    }

    [Fact]
    public void Results_come_in_piece_order_and_belong_to_the_callers_scope()
    {
        using var workers = new TensorWorkers(2, libTorchThreadsEach: 1);
        Tensor[][] results;
        using (NewDisposeScope())
        {
            results = workers.Map(20, index => [TestTensors.Filled(index, 3), ones(2)]);
            results.Select(piece => piece[0][0].item<float>()).Should().Equal(Enumerable.Range(0, 20).Select(i => (float)i));
            results.Should().OnlyContain(piece => !piece[0].IsInvalid && !piece[1].IsInvalid);
        }
        results.SelectMany(piece => piece).Should().OnlyContain(tensor => tensor.IsInvalid, "the caller's scope freed them");
    }

    [Fact]
    public void Pieces_run_in_inference_mode()
    {
        using var workers = new TensorWorkers(2, libTorchThreadsEach: 1);
        using var scope = NewDisposeScope();
        Tensor weight = ones(3).requires_grad_();
        Tensor[][] results = workers.Map(4, _ => [weight.mul(weight)]);
        results.Should().OnlyContain(piece => !piece[0].requires_grad);
    }

    [Fact]
    public void A_failing_piece_fails_the_call_with_its_exception_and_the_workers_go_on()
    {
        using var workers = new TensorWorkers(2, libTorchThreadsEach: 1);
        using var scope = NewDisposeScope();
        var made = new System.Collections.Concurrent.ConcurrentBag<Tensor>();
        Action failing = () => workers.Map(10, index =>
        {
            if (index == 7) throw new InvalidDataException("piece 7");
            Tensor result = ones(1);
            made.Add(result);
            return [result];
        });

        failing.Should().Throw<InvalidDataException>().WithMessage("piece 7");
        made.Should().NotBeEmpty().And.OnlyContain(tensor => tensor.IsInvalid, "the finished pieces' tensors were freed");
        workers.Map(3, index => [TestTensors.Filled(index, 1)]).Select(piece => piece[0].item<float>()).Should().Equal(0f, 1f, 2f);
    }

    [Fact]
    public void Concurrent_callers_take_turns_and_each_gets_its_own_results()
    {
        using var workers = new TensorWorkers(2, libTorchThreadsEach: 1);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        Thread[] callers = [.. Enumerable.Range(0, 4).Select(caller => new Thread(() =>
        {
            for (int call = 0; call < 25; call++)
            {
                using var scope = NewDisposeScope();
                float[] values = workers.Map(5, index => [TestTensors.Filled(caller * 100 + index, 1)]).Select(piece => piece[0].item<float>()).ToArray();
                if (!values.SequenceEqual(Enumerable.Range(0, 5).Select(index => (float)(caller * 100 + index))))
                    failures.Enqueue($"caller {caller}, call {call}: {string.Join(", ", values)}");
            }
        }))];
        foreach (Thread caller in callers) caller.Start();
        foreach (Thread caller in callers) caller.Join();
        failures.Should().BeEmpty();
    }

    [Fact]
    public void After_dispose_a_call_fails_instead_of_waiting_for_stopped_threads()
    {
        var workers = new TensorWorkers(2, libTorchThreadsEach: 1);
        workers.Dispose();
        workers.Dispose();

        Action call = () => workers.Map(2, _ => [ones(1)]);
        call.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void Without_threads_pieces_run_on_the_calling_thread()
    {
        using var scope = NewDisposeScope();
        Tensor[][] results = TensorWorkers.Inline.Map(3, _ => [tensor(Environment.CurrentManagedThreadId)]);
        results.Should().OnlyContain(piece => piece[0].item<int>() == Environment.CurrentManagedThreadId);
    }
}
