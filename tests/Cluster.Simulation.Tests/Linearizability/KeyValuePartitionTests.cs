using Cluster.Simulation.Tests.Infrastructure;

namespace Cluster.Simulation.Tests.Linearizability;

using static Ops;

public sealed class KeyValuePartitionTests
{
    [Test]
    public void Each_key_is_checked_as_its_own_partition()
    {
        var result = CheckKeyValue(
            Put(1, "x", "a", 0, 10),
            Put(2, "y", "b", 0, 10),
            Get(3, "x", "a", 11, 12),
            Get(3, "y", "b", 13, 14),
            Get(4, "z", null, 0, 1));

        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Ok), result.ToString());
        Assert.That(result.PartitionCount, Is.EqualTo(3));
    }

    [Test]
    public void Partition_groups_operations_by_key_in_ordinal_key_order()
    {
        var partitions = new KeyValueModel().Partition(
        [
            Put(1, "b", "1", 0, 1),
            Put(1, "a", "2", 2, 3),
            Get(1, "b", "1", 4, 5),
        ]);

        Assert.That(partitions, Has.Count.EqualTo(2));
        Assert.That(partitions[0].Select(o => o.Input.Key), Is.All.EqualTo("a"));
        Assert.That(partitions[1].Select(o => o.Input.Key), Is.EqualTo(new[] { "b", "b" }));
    }

    [Test]
    public void A_violation_on_one_key_is_reported_in_that_keys_partition()
    {
        var result = CheckKeyValue(
            Put(1, "x", "a", 0, 1),
            Get(2, "x", "a", 2, 3),
            Put(1, "y", "b", 0, 1),
            Get(2, "y", null, 2, 3));

        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Illegal));
        Assert.That(result.Counterexample!.PartitionIndex, Is.EqualTo(1));
        Assert.That(result.Counterexample.Candidates.Select(o => o.Input.Key), Is.All.EqualTo("y"));
        Assert.That(result.Counterexample.LinearizedPrefix.Select(o => o.Input.Key), Is.All.EqualTo("y"));
    }

    [TestCase("ab")]
    [TestCase("ba")]
    public void Concurrent_appends_may_land_in_either_order(string seen)
    {
        var result = CheckKeyValue(
            Append(1, "x", "a", 0, 10),
            Append(2, "x", "b", 0, 10),
            Get(3, "x", seen, 11, 12));

        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Ok), result.ToString());
    }

    [Test]
    public void An_append_that_vanished_is_illegal()
    {
        var result = CheckKeyValue(
            Append(1, "x", "a", 0, 1),
            Append(2, "x", "b", 2, 3),
            Get(3, "x", "a", 4, 5));

        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Illegal));
    }

    [Test]
    public void A_delete_removes_the_key_and_a_later_get_must_see_it_gone()
    {
        var legal = CheckKeyValue(Put(1, "x", "a", 0, 1), Delete(2, "x", 2, 3), Get(3, "x", null, 4, 5));
        var illegal = CheckKeyValue(Put(1, "x", "a", 0, 1), Delete(2, "x", 2, 3), Get(3, "x", "a", 4, 5));

        Assert.That(legal.Verdict, Is.EqualTo(LinearizabilityVerdict.Ok), legal.ToString());
        Assert.That(illegal.Verdict, Is.EqualTo(LinearizabilityVerdict.Illegal));
    }

    [Test]
    public void Without_partitioning_the_key_value_model_would_conflate_keys()
    {
        // The register model has no partitioning: one partition whatever the history, as the default says.
        var result = CheckRegister(Write(1, 1, 0, 1), Read(2, 1, 2, 3));

        Assert.That(result.PartitionCount, Is.EqualTo(1));
        Assert.That(result.Verdict, Is.EqualTo(LinearizabilityVerdict.Ok));
    }
}
