using Cluster.Simulation.Tests.Infrastructure;

namespace Cluster.Simulation.Tests.Linearizability;

using static Ops;

public sealed class RegisterRejectionTests
{
    [Test]
    public void A_stale_read_after_a_completed_write_is_illegal()
    {
        var result = CheckRegister(Write(1, 1, 0, 1), Read(2, 0, 2, 3));

        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Illegal));
        Assert.That(result.IsLinearizable, Is.False);
    }

    [Test]
    public void A_lost_write_is_illegal()
    {
        var result = CheckRegister(Write(1, 1, 0, 1), Write(2, 2, 2, 3), Read(3, 1, 4, 5));

        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Illegal));
    }

    [Test]
    public void A_read_of_a_value_never_written_is_illegal()
    {
        var result = CheckRegister(Write(1, 1, 0, 10), Write(2, 2, 0, 10), Read(3, 7, 5, 6));

        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Illegal));
    }

    [Test]
    public void A_read_of_a_value_written_only_later_is_illegal()
    {
        var result = CheckRegister(Read(1, 1, 0, 1), Write(2, 1, 2, 3));

        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Illegal));
    }

    [Test]
    public void Two_readers_observing_concurrent_writes_in_different_orders_is_illegal()
    {
        var result = CheckRegister(
            Write(1, 1, 0, 100),
            Write(2, 2, 0, 100),
            Read(3, 1, 10, 11),
            Read(3, 2, 20, 21),
            Read(4, 2, 10, 11),
            Read(4, 1, 20, 21));

        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Illegal));
    }

    [Test]
    public void A_value_flipping_back_without_a_write_is_illegal()
    {
        var result = CheckRegister(
            Write(1, 1, 0, 100),
            Read(2, 1, 10, 11),
            Read(2, 0, 20, 21));

        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Illegal));
    }

    [Test]
    public void Two_concurrent_compare_and_sets_from_the_same_value_cannot_both_win()
    {
        var result = CheckRegister(Cas(1, 0, 1, true, 0, 10), Cas(2, 0, 2, true, 0, 10));

        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Illegal));
    }

    [Test]
    public void A_compare_and_set_that_fails_although_the_value_matched_is_illegal()
    {
        var result = CheckRegister(Write(1, 5, 0, 1), Cas(2, 5, 6, false, 2, 3));

        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Illegal));
    }

    [Test]
    public void A_compare_and_set_that_wins_although_the_value_differed_is_illegal()
    {
        var result = CheckRegister(Write(1, 5, 0, 1), Cas(2, 4, 6, true, 2, 3), Read(1, 6, 4, 5));

        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Illegal));
    }

    [Test]
    public void An_unknown_write_cannot_explain_a_read_that_returned_before_it_was_called()
    {
        var result = CheckRegister(Read(1, 9, 0, 1), WriteUnknown(2, 9, 2));

        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Illegal));
    }

    [Test]
    public void An_operation_that_returns_before_its_call_is_rejected_as_an_argument_error()
    {
        Assert.That(() => CheckRegister(Write(1, 1, 5, 4)), Throws.ArgumentException);
    }
}
