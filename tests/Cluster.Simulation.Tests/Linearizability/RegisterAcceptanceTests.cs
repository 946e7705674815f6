using Cluster.Simulation.Tests.Infrastructure;

namespace Cluster.Simulation.Tests.Linearizability;

using static Ops;

public sealed class RegisterAcceptanceTests
{
    [Test]
    public void Empty_history_is_linearizable()
    {
        Assert.That(CheckRegister().Verdict, Is.EqualTo(LinearizabilityVerdict.Ok));
    }

    [TestCase(1, 2)]
    [TestCase(2, 1)]
    public void Overlapping_concurrent_writes_may_be_read_in_either_order(long firstSeen, long thenSeen)
    {
        var result = CheckRegister(
            Write(1, 1, 0, 10),
            Write(2, 2, 0, 10),
            Read(3, firstSeen, 1, 2),
            Read(3, thenSeen, 3, 4));

        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Ok), result.ToString());
    }

    [TestCase(1)]
    [TestCase(2)]
    public void After_concurrent_writes_complete_either_may_win(long seen)
    {
        var result = CheckRegister(
            Write(1, 1, 0, 10),
            Write(2, 2, 0, 10),
            Read(3, seen, 11, 12),
            Read(4, seen, 13, 14));

        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Ok), result.ToString());
    }

    [TestCase(0)]
    [TestCase(1)]
    public void A_read_concurrent_with_a_write_may_see_the_old_or_the_new_value(long seen)
    {
        var result = CheckRegister(Write(1, 1, 0, 10), Read(2, seen, 2, 3));

        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Ok), result.ToString());
    }

    [Test]
    public void A_write_with_unknown_outcome_may_take_effect_long_after_its_call()
    {
        var result = CheckRegister(
            WriteUnknown(1, 1, 0),
            Read(2, 0, 1, 2),
            Read(2, 0, 50, 51),
            Read(3, 1, 100, 101),
            Read(2, 1, 200, 201));

        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Ok), result.ToString());
    }

    [Test]
    public void A_write_with_unknown_outcome_may_never_take_effect()
    {
        var result = CheckRegister(
            WriteUnknown(1, 1, 0),
            Read(2, 0, 1, 2),
            Write(3, 2, 10, 11),
            Read(2, 2, 100, 101));

        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Ok), result.ToString());
    }

    [Test]
    public void Operations_touching_in_time_count_as_concurrent()
    {
        // The read is called at the very tick the write returns; either order is allowed.
        var result = CheckRegister(Write(1, 1, 0, 5), Read(2, 0, 5, 6));

        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Ok), result.ToString());
    }

    [Test]
    public void Concurrent_compare_and_sets_from_the_same_value_let_exactly_one_win()
    {
        var result = CheckRegister(
            Cas(1, 0, 1, true, 0, 10),
            Cas(2, 0, 2, false, 0, 10),
            Read(3, 1, 11, 12));

        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Ok), result.ToString());
    }

    [Test]
    public void Compare_and_set_chains_are_linearizable()
    {
        var result = CheckRegister(
            Write(1, 5, 0, 1),
            Cas(2, 5, 6, true, 2, 3),
            Cas(1, 5, 7, false, 4, 5),
            Read(3, 6, 6, 7));

        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Ok), result.ToString());
    }

    [Test]
    public void A_recorded_history_checks_the_same_as_its_operations()
    {
        var history = new History<RegisterInput, RegisterOutput>();
        var write = history.Invoke(1, RegisterInput.Write(3));
        var read = history.Invoke(2, RegisterInput.Read());
        read.Ok(RegisterOutput.ReadValue(3));
        write.Unknown();

        var result = LinearizabilityChecker.Check(history, new RegisterModel());

        Assert.That(result.IsLinearizable, Is.True, result.ToString());
        Assert.That(() => result.EnsureLinearizable(), Throws.Nothing);
    }

    [Test]
    public void Many_reads_with_unknown_outcome_constrain_nothing_and_cost_nothing()
    {
        // Sixty pending reads would otherwise stay candidates at every step of the search.
        var history = new List<Operation<RegisterInput, RegisterOutput>> { Write(1, 1, 0, 1) };
        for (var i = 0; i < 60; i++)
        {
            history.Add(Operation<RegisterInput, RegisterOutput>.Unknown(2 + i, RegisterInput.Read(), 2 + i));
        }

        history.Add(Write(1, 2, 100, 101));
        history.Add(Read(1, 2, 102, 103));

        var result = LinearizabilityChecker.Check(history, new RegisterModel(), new LinearizabilityCheckerOptions { MaxExploredStates = 1000 });

        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Ok), result.ToString());
    }
}
