using Cluster.Simulation.Tests.Infrastructure;

namespace Cluster.Simulation.Tests.History;

public sealed class HistoryRecordingTests
{
    [Test]
    public void Logical_times_strictly_increase_in_recording_order()
    {
        var history = new History<RegisterInput, RegisterOutput>();
        var first = history.Invoke(1, RegisterInput.Write(1));
        var second = history.Invoke(2, RegisterInput.Read());
        first.Ok(RegisterOutput.Written);
        second.Ok(RegisterOutput.ReadValue(1));

        var operations = history.ToOperations();

        Assert.That(operations, Has.Count.EqualTo(2));
        Assert.That(operations[0].Call, Is.LessThan(operations[1].Call));
        Assert.That(operations[1].Call, Is.LessThan(operations[0].Return));
        Assert.That(operations[0].Return, Is.LessThan(operations[1].Return));
        Assert.That(operations[1].Output, Is.EqualTo(RegisterOutput.ReadValue(1)));
        Assert.That(operations[1].ClientId, Is.EqualTo(2));
    }

    [Test]
    public void Failed_operations_are_dropped_and_unknown_or_unfinished_ones_return_at_infinity()
    {
        var history = new History<RegisterInput, RegisterOutput>();
        history.Invoke(1, RegisterInput.Write(1)).Fail();
        history.Invoke(2, RegisterInput.Write(2)).Unknown();
        history.Invoke(3, RegisterInput.Write(3));
        history.Invoke(4, RegisterInput.Read()).Ok(RegisterOutput.ReadValue(0));

        var operations = history.ToOperations();

        Assert.That(operations.Select(o => o.ClientId), Is.EqualTo(new[] { 2, 3, 4 }));
        Assert.That(operations[0].Return, Is.EqualTo(Operation<RegisterInput, RegisterOutput>.NeverReturned));
        Assert.That(operations[0].OutcomeKnown, Is.False);
        Assert.That(operations[1].Return, Is.EqualTo(Operation<RegisterInput, RegisterOutput>.NeverReturned));
        Assert.That(operations[2].OutcomeKnown, Is.True);
        Assert.That(history.Count, Is.EqualTo(4));
    }

    [Test]
    public void An_operation_has_exactly_one_outcome()
    {
        var history = new History<RegisterInput, RegisterOutput>();
        var operation = history.Invoke(1, RegisterInput.Write(1));
        operation.Ok(RegisterOutput.Written);

        Assert.That(() => operation.Unknown(), Throws.InvalidOperationException);
        Assert.That(() => operation.Fail(), Throws.InvalidOperationException);
        Assert.That(() => operation.Ok(RegisterOutput.Written), Throws.InvalidOperationException);
        Assert.That(operation.State, Is.EqualTo(InvokedOperationState.Ok));
    }

    [Test]
    public void Times_follow_the_time_provider_and_are_bumped_when_it_stands_still()
    {
        var clock = new ManualTimeProvider { Timestamp = 100 };
        var history = new History<RegisterInput, RegisterOutput>(clock);
        var first = history.Invoke(1, RegisterInput.Write(1));
        var second = history.Invoke(2, RegisterInput.Read());
        clock.Timestamp = 500;
        first.Ok(RegisterOutput.Written);
        second.Ok(RegisterOutput.ReadValue(1));

        var operations = history.ToOperations();

        Assert.That(operations[0].Call, Is.EqualTo(100));
        Assert.That(operations[1].Call, Is.EqualTo(101));
        Assert.That(operations[0].Return, Is.EqualTo(500));
        Assert.That(operations[1].Return, Is.EqualTo(501));
    }

    [Test]
    public void Concurrent_recording_from_many_threads_loses_nothing_and_checks_linearizable()
    {
        // A lock-protected register used by real threads is linearizable; recording must not break that.
        var history = new History<RegisterInput, RegisterOutput>();
        var register = 0L;
        var gate = new object();
        Parallel.For(0, 4, client =>
        {
            for (var i = 0; i < 200; i++)
            {
                if (i % 2 == 0)
                {
                    var write = history.Invoke(client, RegisterInput.Write((client * 1000) + i));
                    lock (gate)
                    {
                        register = (client * 1000) + i;
                    }

                    write.Ok(RegisterOutput.Written);
                }
                else
                {
                    var read = history.Invoke(client, RegisterInput.Read());
                    long value;
                    lock (gate)
                    {
                        value = register;
                    }

                    read.Ok(RegisterOutput.ReadValue(value));
                }
            }
        });

        var operations = history.ToOperations();

        Assert.That(operations, Has.Count.EqualTo(800));
        Assert.That(operations.Select(o => o.Call).Concat(operations.Select(o => o.Return)).Distinct().Count(), Is.EqualTo(1600));
        var result = LinearizabilityChecker.Check(history, new RegisterModel());
        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Ok), result.ToString());
    }
}
