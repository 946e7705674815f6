using Cluster.Simulation.Tests.Infrastructure;

namespace Cluster.Simulation.Tests.Linearizability;

using static Ops;

public sealed class CounterexampleTests
{
    [Test]
    public void A_stale_read_names_the_write_as_prefix_and_the_read_as_the_operation_that_cannot_follow()
    {
        var write = Write(1, 1, 0, 1);
        var read = Read(2, 0, 2, 3);

        var result = CheckRegister(write, read);

        var counterexample = result.Counterexample;
        Assert.That(counterexample, Is.Not.Null);
        Assert.That(counterexample!.LinearizedPrefix, Is.EqualTo(new[] { write }));
        Assert.That(counterexample.StateAfterPrefix, Is.EqualTo("1"));
        Assert.That(counterexample.Candidates, Is.EqualTo(new[] { read }));
        Assert.That(counterexample.Overdue, Is.EqualTo(read));
        Assert.That(counterexample.Description, Does.Contain("write(1) -> ok"));
        Assert.That(counterexample.Description, Does.Contain("read() -> 0"));
        Assert.That(counterexample.Description, Does.Contain("[client 2, 2..3]"));
    }

    [Test]
    public void The_prefix_is_the_longest_found_and_is_itself_legal()
    {
        var history = new[]
        {
            Write(1, 1, 0, 1),
            Write(1, 2, 2, 3),
            Read(2, 2, 4, 5),
            Write(1, 3, 6, 7),
            Read(2, 1, 8, 9),
        };

        var result = CheckRegister(history);

        var counterexample = result.Counterexample!;
        Assert.That(counterexample.LinearizedPrefix, Is.EqualTo(history[..4]));
        Assert.That(counterexample.Overdue, Is.EqualTo(history[4]));
        var model = new RegisterModel();
        var state = model.Init();
        foreach (var operation in counterexample.LinearizedPrefix)
        {
            var (ok, next) = model.Step(state, operation.Input, operation.Output);
            Assert.That(ok, Is.True);
            state = next;
        }

        Assert.That(model.Step(state, history[4].Input, history[4].Output).Ok, Is.False);
    }

    [Test]
    public void Unknown_outcomes_are_described_as_such()
    {
        var result = CheckRegister(Read(1, 9, 0, 1), WriteUnknown(2, 9, 2), Write(3, 4, 0, 1));

        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Illegal));
        Assert.That(result.ToString(), Does.Contain("read() -> 9"));
        Assert.That(result.Counterexample!.Description, Does.Contain("Longest linearizable prefix"));
    }

    [Test]
    public void Key_value_counterexamples_show_keys_and_values()
    {
        var result = CheckKeyValue(Put(1, "k", "v1", 0, 1), Get(2, "k", "v0", 2, 3));

        Assert.That(result.Counterexample!.Description, Does.Contain("put(k, \"v1\") -> ok"));
        Assert.That(result.Counterexample.Description, Does.Contain("get(k) -> \"v0\""));
        Assert.That(result.Counterexample.StateAfterPrefix, Is.EqualTo("\"v1\""));
    }
}
